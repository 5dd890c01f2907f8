#!/usr/bin/env node
// TIES merge throughput and peak memory: ours vs PyTorch running mergekit's formula vs mergekit itself.
// usage: node bench/merge.bench.mjs [--mb 1100] [--runs 2] [--density 0.5] [--only ours,torch,mergekit] [--keep DIR]
// Writes a base and 2 fine-tuned bf16 models of about --mb MB each (sharded in 500 MB files), then runs
// the contenders as separate processes in alternating order (A B C C B A ...), each on warm page cache,
// and prints input MB/s (base + models bytes / wall seconds), MB per CPU second (robust to a busy
// machine) and peak RSS (vs the input size).
// Python contenders use the project venv (LAMDAGENT_PYTHON, or ~/.cache/lamdagent/venv when .ready).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeSharded } from '@lamdagent/safetensors';

const here = dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    mb: { type: 'string', default: '1100' },
    runs: { type: 'string', default: '2' },
    density: { type: 'string', default: '0.5' },
    only: { type: 'string' },
    keep: { type: 'string' },
  },
});

// Llama-like, hidden 2048, MLP 5632, vocab 32000: 8 layers make about 1.08 GB in bf16.
const hidden = 2048;
const mlp = 5632;
const vocab = 32000;
const perLayer = 4 * hidden * hidden + 3 * hidden * mlp + 2 * hidden;
const layers = Math.max(1, Math.round((Number(args.mb) * 1e6) / 2 / perLayer - (2 * vocab * hidden) / perLayer));
const arch = [{ name: 'model.embed_tokens.weight', shape: [vocab, hidden] }];
for (let l = 0; l < layers; l++) {
  const p = `model.layers.${l}`;
  for (const m of ['q', 'k', 'v', 'o']) arch.push({ name: `${p}.self_attn.${m}_proj.weight`, shape: [hidden, hidden] });
  arch.push(
    { name: `${p}.mlp.gate_proj.weight`, shape: [mlp, hidden] },
    { name: `${p}.mlp.up_proj.weight`, shape: [mlp, hidden] },
    { name: `${p}.mlp.down_proj.weight`, shape: [hidden, mlp] },
  );
  arch.push({ name: `${p}.input_layernorm.weight`, shape: [hidden] }, { name: `${p}.post_attention_layernorm.weight`, shape: [hidden] });
}
arch.push({ name: 'model.norm.weight', shape: [hidden] }, { name: 'lm_head.weight', shape: [vocab, hidden] });

/** bf16 bits: base ~ U(-0.05, 0.05); a fine-tuned model changes 3 of 4 entries by ~U(-0.01, 0.01). */
function tensorBytes(name, n, seed) {
  let s = (name.length * 2654435761 + n) >>> 0;
  let t = (seed * 40503 + name.length * 977 + 12345) >>> 0;
  const f = new Float32Array(1);
  const u = new Uint32Array(f.buffer);
  const out = new Uint16Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    let v = (s / 4294967296 - 0.5) * 0.1;
    if (seed > 0) {
      t = (Math.imul(t, 1103515245) + 12345) >>> 0;
      if ((t & 3) !== 0) v += ((t >>> 8) / 16777216 - 0.5) * 0.02;
    }
    f[0] = v;
    const b = u[0];
    out[i] = (b + 0x7fff + ((b >>> 16) & 1)) >>> 16;
  }
  return new Uint8Array(out.buffer);
}

async function writeModel(dir, seed) {
  const tensors = arch.map(({ name, shape }) => ({
    name,
    dtype: 'BF16',
    shape,
    data: () =>
      tensorBytes(
        name,
        shape.reduce((a, b) => a * b, 1),
        seed,
      ),
  }));
  await writeSharded(dir, tensors, { maxShardBytes: 500e6 });
  await writeFile(
    join(dir, 'config.json'),
    JSON.stringify({
      architectures: ['LlamaForCausalLM'],
      model_type: 'llama',
      hidden_size: hidden,
      intermediate_size: mlp,
      num_hidden_layers: layers,
      num_attention_heads: 16,
      num_key_value_heads: 16,
      vocab_size: vocab,
      rms_norm_eps: 1e-6,
      tie_word_embeddings: false,
      torch_dtype: 'bfloat16',
    }),
  );
}

function python() {
  if (process.env.LAMDAGENT_PYTHON) return process.env.LAMDAGENT_PYTHON;
  const venv = process.env.LAMDAGENT_VENV ?? join(homedir(), '.cache', 'lamdagent', 'venv');
  return existsSync(join(venv, '.ready')) ? join(venv, 'bin', 'python') : undefined;
}
const py = python();
const has = (mod) => py !== undefined && spawnSync(py, ['-c', `import ${mod}`]).status === 0;
const wanted = (args.only ?? 'ours,torch,mergekit').split(',');
const contenders = [];
if (wanted.includes('ours')) contenders.push({ name: 'ours (TS, worker threads)', cmd: process.execPath, argv: (c, o) => [join(here, 'run-ours.mjs'), c, o] });
if (wanted.includes('torch')) {
  if (has('torch')) contenders.push({ name: "PyTorch CPU, mergekit's formula", cmd: py, argv: (c, o) => [join(here, 'py_merge.py'), 'torch', c, o] });
  else console.log('PyTorch: not installed in the project venv (skipped)');
}
if (wanted.includes('mergekit')) {
  if (has('mergekit')) contenders.push({ name: 'mergekit 0.1.5 (CPU)', cmd: py, argv: (c, o) => [join(here, 'py_merge.py'), 'mergekit', c, o] });
  else console.log('mergekit: not installed in the project venv (skipped)');
}

const root = args.keep ?? join(tmpdir(), 'lamdagent-merge-bench');
await mkdir(root, { recursive: true });
const models = ['base', 'a', 'b'];
const stamp = join(root, `ready-${layers}`);
if (!existsSync(stamp)) {
  const t0 = performance.now();
  for (const [i, m] of models.entries()) {
    rmSync(join(root, m), { recursive: true, force: true });
    await writeModel(join(root, m), i);
  }
  writeFileSync(stamp, '');
  console.log(`generated base + 2 models (${layers} layers) in ${((performance.now() - t0) / 1000).toFixed(0)} s in ${root}`);
}
const inputBytes = models
  .flatMap((m) =>
    readdirSync(join(root, m))
      .filter((f) => f.endsWith('.safetensors'))
      .map((f) => readFileSync(join(root, m, f)).byteLength),
  )
  .reduce((a, b) => a + b, 0);
const config = join(root, 'ties.yaml');
writeFileSync(
  config,
  `merge_method: ties\nbase_model: ${join(root, 'base')}\nmodels:\n  - { model: ${join(root, 'a')}, parameters: { weight: 0.6, density: ${args.density} } }\n  - { model: ${join(root, 'b')}, parameters: { weight: 0.4, density: ${args.density} } }\n`,
);

const results = new Map(contenders.map((c) => [c.name, []]));
const runs = Number(args.runs);
const order = [];
for (let r = 0; r < runs; r++) order.push(...(r % 2 === 0 ? contenders : [...contenders].reverse()));
for (const c of order) {
  const out = join(root, 'out');
  rmSync(out, { recursive: true, force: true });
  const r = spawnSync(c.cmd, c.argv(config, out), {
    encoding: 'utf8',
    env: { ...process.env, HF_HUB_OFFLINE: '1', TRANSFORMERS_OFFLINE: '1' },
    maxBuffer: 1 << 26,
  });
  const line = r.stdout.trim().split('\n').at(-1) ?? '';
  if (r.status !== 0 || !line.startsWith('{')) {
    console.log(`${c.name}: failed (${r.status}): ${r.stderr.slice(-500)}`);
    continue;
  }
  const m = JSON.parse(line);
  results.get(c.name).push(m);
  console.log(
    `  ${c.name}: ${m.seconds.toFixed(1)} s wall, ${m.cpuSeconds.toFixed(1)} s CPU, ${(inputBytes / 1e6 / m.seconds).toFixed(0)} MB/s of input (${(inputBytes / 1e6 / m.cpuSeconds).toFixed(0)} MB per CPU second), peak RSS ${m.maxRssMB.toFixed(0)} MB`,
  );
}
rmSync(join(root, 'out'), { recursive: true, force: true });

console.log(`\nTIES density ${args.density}, base + 2 models, bf16, ${(inputBytes / 1e9).toFixed(2)} GB of input, ${runs} alternating runs each (best shown):`);
const best = new Map();
for (const [name, ms] of results) {
  if (ms.length === 0) continue;
  const s = Math.min(...ms.map((m) => m.seconds));
  const cpu = Math.min(...ms.map((m) => m.cpuSeconds));
  const rss = Math.max(...ms.map((m) => m.maxRssMB));
  best.set(name, { s, cpu });
  console.log(
    `  ${name.padEnd(34)} ${(inputBytes / 1e6 / s).toFixed(0).padStart(6)} MB/s wall  ${(inputBytes / 1e6 / cpu).toFixed(0).padStart(6)} MB/CPU-s   peak RSS ${rss.toFixed(0).padStart(6)} MB (${((rss * 1048576) / inputBytes).toFixed(2)}x input)`,
  );
}
const ours = best.get('ours (TS, worker threads)');
for (const [name, b] of best) {
  if (ours && !name.startsWith('ours'))
    console.log(`  ours vs ${name}: ${(b.s / ours.s).toFixed(2)}x the wall speed, ${(b.cpu / ours.cpu).toFixed(2)}x less CPU per byte`);
}
if (!args.keep) rmSync(root, { recursive: true, force: true });
