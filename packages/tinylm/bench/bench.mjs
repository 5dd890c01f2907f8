// tinylm against PyTorch on the same GPT-2, the same initial weights and the same batches.
// Run after a build (npm run bench builds): node bench/bench.mjs [--quick] [--arch world|large|both] [--rounds N]
//   SFT: one epoch over 1,000 synthetic prompt+completion pairs (batch 16), tokens/s (wall) and loss;
//   generation: 300 prompts x 16 new tokens, greedy, KV cache, batches of 128: token-steps/s (wall);
//   DPO: one epoch over 500 synthetic preference pairs (8 pairs = 16 sequences a step, beta 0.1, lr 1e-3),
//   tokens/s of the training loop (wall; the reference and before/after scoring passes excluded) and loss;
//   peak RSS of each run (every run is its own process). Runs alternate (A B A1 B A per round) so that
//   machine noise hits both engines; ratios are tinylm / PyTorch (1 thread) on the medians.
// PyTorch: LAMDAGENT_PYTHON, else the project venv ($LAMDAGENT_VENV or ~/.cache/lamdagent/venv, when
// .ready), else python3 with Debian's python3-torch; if none imports torch, only tinylm is measured.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TinyLM, engineKernels, initBackend, sequenceLogProbs } from '../dist/index.js';
import { encodePair, learningRateAt, lengthGroupedBatches, makeBatch, plannedSteps, Mulberry32, warmupSteps } from '../dist/bench-internals.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const flag = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : dflt;
};
const quick = argv.includes('--quick');
const archArg = flag('arch', 'both');
const rounds = Number(flag('rounds', 1));
// --baseline DIST/index.js: also measure another tinylm build (e.g. the tfjs-wasm one before this engine)
const baseline = flag('baseline', undefined);
const nExamples = quick ? 300 : 1000;
const nPrompts = quick ? 100 : 300;
const nPairs = quick ? 160 : 500;
const batchSize = 16;
const pairBatch = 8;
const newTokens = 16;

// Deterministic synthetic examples shaped like the embedded world's skills (40-90 characters).
let s = 12345;
const rand = (n) => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 8) % n;
const words = ['apple', 'river', 'stone', 'cloud', 'green', 'seven', 'north', 'light', 'paper', 'quiet'];
const pick = () => words[rand(words.length)];
function example() {
  const kind = rand(3);
  if (kind === 0) {
    const a = rand(90) + 10,
      b = rand(90) + 10;
    const q = rand(2) === 0 ? `Compute ${a}+${b} and reply with the number: ` : `Question: what is ${a} plus ${b}? Answer with a number: `;
    return { prompt: q, completion: `${a + b}` };
  }
  if (kind === 1) {
    const n = 2 + rand(3);
    const opts = Array.from({ length: n }, (_, i) => `(${'ABCD'[i]}) ${pick()}`).join(' ');
    return { prompt: `Which is a colour? ${opts} `, completion: `[[${'ABCD'[rand(n)]}]]` };
  }
  const filler = Array.from({ length: rand(4) }, pick).join(' ');
  const w = pick();
  return { prompt: `Context: the ${w} is near the ${pick()} ${filler}. Q: what is near? A: `, completion: `the ${w}` };
}
const examples = Array.from({ length: nExamples }, example);

// Deterministic preference pairs on the first examples (their own generator, so the SFT examples above
// are unchanged): chosen = the SFT completion, rejected = a wrong answer of the same shape (another sum,
// another offered letter, another word). From the untrained initial weights these preferences are not
// learnable in one epoch, so the loss stays near log 2 = 0.693 and the float32 trajectories stay together
// (last losses within 2e-6 of a float64 replay at both sizes). A preference the model learns at once
// (every rejected answer ending in '.') drives the loss to 0.33, but its last losses then differ in the
// third digit between any two float32 runs, PyTorch against itself (reference margins moved by 1e-6) included.
let s2 = 67890;
const rand2 = (n) => ((s2 = (Math.imul(s2, 1103515245) + 12345) >>> 0) >>> 8) % n;
const other = (xs, x) => {
  const rest = xs.filter((y) => y !== x);
  return rest[rand2(rest.length)];
};
function rejectedFor(e) {
  const c = e.completion;
  if (/^\d+$/.test(c)) return `${Number(c) + (rand2(2) === 0 ? -1 : 1) * (1 + rand2(9))}`;
  const letter = /^\[\[([A-D])\]\]$/.exec(c);
  const offered = [...e.prompt.matchAll(/\(([A-D])\)/g)].map((m) => m[1]);
  if (letter) return `[[${other(offered, letter[1])}]]`;
  return `the ${other(words, c.slice(4))}`;
}
const pairs = examples.slice(0, nPairs).map((e) => ({ prompt: e.prompt, chosen: e.completion, rejected: rejectedFor(e) }));

function findPython() {
  const venv = process.env.LAMDAGENT_VENV ?? path.join(homedir(), '.cache', 'lamdagent', 'venv');
  const candidates = [
    process.env.LAMDAGENT_PYTHON,
    existsSync(path.join(venv, '.ready')) ? path.join(venv, 'bin', 'python') : undefined,
    'python3',
    '/usr/bin/python3',
  ];
  for (const py of candidates) {
    if (!py) continue;
    const r = spawnSync(py, ['-c', 'import torch, numpy; print(torch.__version__)'], { encoding: 'utf8' });
    if (r.status === 0) return { py, version: r.stdout.trim() };
  }
  return undefined;
}

function run(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

const median = (xs) => {
  const a = [...xs].sort((x, y) => x - y);
  return a.length % 2 ? a[(a.length - 1) / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
};
const fmt = (x) => Math.round(x).toLocaleString('en-US');
// One training step for torch_gpt2.py: a batch makeBatch() built, and its learning rate.
const stepOf = (b, lr) => ({
  B: b.B,
  T: b.T,
  inputs: [...b.inputs],
  targets: [...b.targets],
  weights: [...b.weights],
  realTokens: b.realTokens,
  lr,
});

await initBackend();
const nativeKernels = engineKernels() === 'native-avx2';
console.log(
  nativeKernels
    ? 'tinylm: native AVX2 kernels (matrix product, attention, gelu_new); each run is repeated with LAMDAGENT_TINYLM_KERNELS=wasm (WebAssembly kernels only)'
    : `tinylm: ${engineKernels()} kernels only`,
);
const torch = findPython();
console.log(
  torch ? `PyTorch: ${torch.version} via ${torch.py} (1 thread)` : 'PyTorch: NOT AVAILABLE (no python with torch + numpy found); measuring tinylm only',
);

const ARCHS = {
  world: { name: 'world 4x64 (4 layers, d_model 64, 4 heads)', sizes: { nLayer: 4, nEmbd: 64, nHead: 4, nPositions: 128 } },
  large: { name: 'larger 4x128 (4 layers, d_model 128, 4 heads)', sizes: { nLayer: 4, nEmbd: 128, nHead: 4, nPositions: 128 } },
};
const archs = archArg === 'both' ? ['world', 'large'] : [archArg];
const tmp = mkdtempSync(path.join(tmpdir(), 'tinylm-bench-'));
try {
  for (const key of archs) {
    const arch = ARCHS[key];
    const model = await TinyLM.init(arch.sizes, 1);
    const modelDir = path.join(tmp, key);
    await model.save(modelDir);
    const c = model.config;
    const tok = model.tokenizer;
    console.log(`\n## ${arch.name}: vocab ${c.vocabSize}, ${c.nPositions} positions, ${fmt(model.parameterCount)} parameters`);

    // The batches sft() builds (same code), for PyTorch.
    const options = { learningRate: 2e-3, epochs: 1, batchSize, seed: 1 };
    const seqs = examples.map((e) => encodePair(tok, e.prompt, e.completion, c.nPositions + 1));
    const lengths = seqs.map((q) => q.ids.length);
    const rng = new Mulberry32(options.seed);
    const total = plannedSteps(options, Math.ceil(seqs.length / batchSize));
    const warm = warmupSteps(options, total);
    const steps = [];
    for (const indices of lengthGroupedBatches(lengths, batchSize, rng)) {
      const b = makeBatch(
        indices.map((i) => seqs[i]),
        tok.padId,
      );
      steps.push(stepOf(b, learningRateAt(options.learningRate, steps.length, total, warm, 'linear')));
    }
    const sftJob = path.join(tmp, `${key}-sft.json`);
    writeFileSync(sftJob, JSON.stringify({ mode: 'sft', modelDir, examples, options, steps, threads: 1 }));
    const texts = examples.slice(0, nPrompts).map((e) => e.prompt);
    const genJob = path.join(tmp, `${key}-gen.json`);
    writeFileSync(
      genJob,
      JSON.stringify({
        mode: 'generate',
        modelDir,
        texts,
        prompts: texts.map((t) => tok.encode(t, true)),
        maxNewTokens: newTokens,
        batchSize: 128,
        eosId: tok.eosId,
        padId: tok.padId,
        threads: 1,
      }),
    );

    // The batches dpo() builds (same code): [chosen..., rejected...] of each group of pairs. PyTorch computes
    // the reference margins itself from the initial weights; tinylm's (the reference is the initial model,
    // scored as dpo() scores it) go along only to check that the two agree.
    const dpoOptions = { learningRate: 1e-3, epochs: 1, batchSize: pairBatch, seed: 1, beta: 0.1 };
    const chosen = pairs.map((p) => encodePair(tok, p.prompt, p.chosen, c.nPositions + 1));
    const rejected = pairs.map((p) => encodePair(tok, p.prompt, p.rejected, c.nPositions + 1));
    const refChosen = await sequenceLogProbs(
      model,
      pairs.map((p) => p.prompt),
      pairs.map((p) => p.chosen),
    );
    const refRejected = await sequenceLogProbs(
      model,
      pairs.map((p) => p.prompt),
      pairs.map((p) => p.rejected),
    );
    const dpoRng = new Mulberry32(dpoOptions.seed);
    const dpoLengths = pairs.map((_, i) => Math.max(chosen[i].ids.length, rejected[i].ids.length));
    const dpoTotal = plannedSteps(dpoOptions, Math.ceil(pairs.length / pairBatch));
    const dpoWarm = warmupSteps(dpoOptions, dpoTotal);
    const dpoSteps = [];
    while (dpoSteps.length < dpoTotal) {
      for (const indices of lengthGroupedBatches(dpoLengths, pairBatch, dpoRng)) {
        if (dpoSteps.length >= dpoTotal) break;
        const b = makeBatch([...indices.map((i) => chosen[i]), ...indices.map((i) => rejected[i])], tok.padId);
        dpoSteps.push({
          ...stepOf(b, learningRateAt(dpoOptions.learningRate, dpoSteps.length, dpoTotal, dpoWarm, 'linear')),
          tinylmRefMargin: indices.map((i) => Math.fround(refChosen[i] - refRejected[i])),
        });
      }
    }
    const dpoJob = path.join(tmp, `${key}-dpo.json`);
    writeFileSync(dpoJob, JSON.stringify({ mode: 'dpo', modelDir, pairs, options: dpoOptions, steps: dpoSteps, threads: 1 }));

    const tiny = (job, threads, dist, env = {}) => {
      const file = `${job}.t${threads}.json`;
      if (!existsSync(file)) writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(job, 'utf8')), threads }));
      return run(process.execPath, [path.join(here, 'child.mjs'), file], dist ? { ...env, TINYLM_BENCH_DIST: dist } : env);
    };
    const py = (job) => run(torch.py, [path.join(here, 'torch_gpt2.py'), job], { OMP_NUM_THREADS: '1', OMP_WAIT_POLICY: 'PASSIVE' });

    for (const [label, job, unit] of [
      ['SFT', sftJob, 'tokens/s'],
      ['generation', genJob, 'token-steps/s'],
      ['DPO', dpoJob, 'tokens/s'],
    ]) {
      const r = { t2: [], t1: [], py: [], base: [], wasm: [] };
      for (let round = 0; round < rounds; round++) {
        // A B B A (A = tinylm, B = PyTorch), plus tinylm on one thread in the middle
        r.t2.push(tiny(job, 2));
        if (torch) r.py.push(py(job));
        r.t1.push(tiny(job, 1));
        if (torch) r.py.push(py(job));
        r.t2.push(tiny(job, 2));
        if (baseline) r.base.push(tiny(job, 1, path.resolve(baseline)));
        // the same build with the WebAssembly matrix product instead of the native one (same bytes)
        if (nativeKernels) r.wasm.push(tiny(job, 2, undefined, { LAMDAGENT_TINYLM_KERNELS: 'wasm' }));
      }
      const training = label !== 'generation';
      const rate = (x) => (training ? x.tokens / x.seconds : (nPrompts * newTokens) / x.seconds);
      const perCpu = (x) => (training ? x.tokens / x.cpuSeconds : (nPrompts * newTokens) / x.cpuSeconds);
      const row = (name, xs) => {
        if (xs.length === 0) return undefined;
        const m = median(xs.map(rate));
        const extra = training ? `, loss ${xs[0].firstLoss.toFixed(6)} -> ${xs[0].lastLoss.toFixed(6)}` : '';
        console.log(
          `  ${label.padEnd(10)} ${name.padEnd(22)} ${fmt(m).padStart(8)} ${unit} (median of ${xs.length}; ${fmt(median(xs.map(perCpu)))} per CPU-second), peak RSS ${fmt(median(xs.map((x) => x.peakRssMiB)))} MiB${extra}`,
        );
        return m;
      };
      const a2 = row(r.t2[0].engine, r.t2);
      const a1 = row(r.t1[0].engine, r.t1);
      const b = row(torch ? r.py[0].engine : 'PyTorch', r.py);
      const wasmOnly = row(r.wasm[0]?.engine, r.wasm);
      if (wasmOnly) console.log(`  ${label.padEnd(10)} native kernels / WebAssembly kernels only (2 threads): ${(a2 / wasmOnly).toFixed(2)}x`);
      if (b && wasmOnly) console.log(`  ${label.padEnd(10)} WebAssembly kernels only / PyTorch-1-thread: ${(wasmOnly / b).toFixed(2)}x (2 threads)`);
      const before = row('baseline tinylm build', r.base);
      if (before)
        console.log(
          `  ${label.padEnd(10)} speed-up over the baseline build: ${(a2 / before).toFixed(2)}x (2 threads), ${(a1 / before).toFixed(2)}x (1 thread)`,
        );
      if (b && before) console.log(`  ${label.padEnd(10)} baseline build / PyTorch-1-thread: ${(before / b).toFixed(2)}x`);
      if (b)
        console.log(
          `  ${label.padEnd(10)} ratio tinylm/PyTorch-1-thread: ${(a2 / b).toFixed(2)}x (tinylm 2 threads), ${(a1 / b).toFixed(2)}x (tinylm 1 thread)`,
        );
      if (label === 'generation' && torch) {
        const mine = r.t2[0].outputs;
        const theirs = r.py[0].outputs.map((ids) => tok.decode(ids));
        const same = mine.filter((o, i) => o === theirs[i]).length;
        console.log(`  generation outputs identical to PyTorch's on ${same}/${mine.length} prompts`);
      }
      if (label === 'DPO' && torch) {
        const d = r.py[0].refMargins;
        console.log(
          `  DPO        reference margins (PyTorch's own, from the initial weights) vs tinylm's: max |diff| ${d.maxAbsDiff.toExponential(2)} over ${d.pairs} pairs (|margin| up to ${d.maxAbs.toFixed(3)})`,
        );
      }
    }
    model.dispose();
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
