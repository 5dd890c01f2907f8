// Generation throughput of the `onnx` backend (onnxruntime-node, no KV cache) against the `tiny` backend
// (tinylm on its own wasm SIMD kernels, KV cache), side by side on the embedded world's base model. Run after building
// @lamdagent/tinylm and @lamdagent/eval-suites (`npx turbo run build`):
//   node packages/eval-suites/bench/onnx.bench.mjs [--prompts 300] [--new-tokens 16] [--batch 32] [--threads 1] [--rounds 3]
// The model folder is copied to a temporary folder and exported there with tinylm's exportOnnx. Both
// backends get the same prompts (world-shaped, 40-90 characters), the same batch size and greedy
// decoding without stop sequences other than the backends' own newline; the outputs are compared.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportOnnx } from '@lamdagent/tinylm';
import { createOnnxBackend, createTinyBackend, tinylmRuntime } from '../dist/index.js';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), Number(all[i + 1])]] : acc), []));
const nPrompts = args.prompts ?? 300;
const newTokens = args['new-tokens'] ?? 16;
const batchSize = args.batch ?? 32;
const threads = args.threads ?? 1;

const here = path.dirname(fileURLToPath(import.meta.url));
const source = path.resolve(here, '../../world/assets/base-model');
const dir = await mkdtemp(path.join(tmpdir(), 'onnx-bench-'));
const model = path.join(dir, 'base-model');
await cp(source, model, { recursive: true });
let t0 = performance.now();
const onnxFile = await exportOnnx(model);
console.log(`model: ${source}; exportOnnx wrote ${path.basename(onnxFile)} in ${((performance.now() - t0) / 1000).toFixed(2)} s`);

// Deterministic prompts shaped like the embedded world's skills (as packages/tinylm/bench/bench.mjs).
let s = 12345;
const rand = (n) => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 8) % n;
const words = ['apple', 'river', 'stone', 'cloud', 'green', 'seven', 'north', 'light', 'paper', 'quiet'];
const pick = () => words[rand(words.length)];
function prompt() {
  const kind = rand(3);
  if (kind === 0) {
    const a = rand(90) + 10,
      b = rand(90) + 10;
    return rand(2) === 0 ? `Compute ${a}+${b} and reply with the number: ` : `Question: what is ${a} plus ${b}? Answer with a number: `;
  }
  if (kind === 1) {
    const n = 2 + rand(3);
    return `Which is a colour? ${Array.from({ length: n }, (_, i) => `(${'ABCD'[i]}) ${pick()}`).join(' ')} `;
  }
  return `Context: the ${pick()} is near the ${pick()} ${Array.from({ length: rand(4) }, pick).join(' ')}. Q: what is near? A: `;
}
const prompts = Array.from({ length: nPrompts }, prompt);
const lengths = prompts.map((p) => p.length);
console.log(
  `workload: ${nPrompts} prompts of ${Math.min(...lengths)}-${Math.max(...lengths)} characters x up to ${newTokens} new tokens, batch ${batchSize}, greedy`,
);

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
async function time(backend) {
  const wall0 = performance.now(),
    cpu0 = cpu();
  const outs = await backend.generate(model, prompts, { maxNewTokens: newTokens });
  return { wall: (performance.now() - wall0) / 1000, used: cpu() - cpu0, outs };
}
function report(name, { wall, used, outs }) {
  const generated = outs.reduce((a, o) => a + o.length, 0);
  console.log(
    `${name.padEnd(5)} ${wall.toFixed(2).padStart(6)} s wall ${used.toFixed(2).padStart(6)} s cpu  ` +
      `${Math.round((nPrompts * newTokens) / wall)
        .toString()
        .padStart(6)} token-steps/s wall  ${Math.round(generated / wall)
        .toString()
        .padStart(6)} generated tokens/s wall (${generated} generated)`,
  );
}

// Rounds alternate between the backends and the fastest round of each is reported (the machine may be shared).
const rounds = args.rounds ?? 3;
const backends = { tiny: createTinyBackend({ batchSize }, tinylmRuntime()), onnx: createOnnxBackend({ batchSize, intraOpNumThreads: threads }) };
for (const b of Object.values(backends)) await b.generate(model, prompts.slice(0, 8), { maxNewTokens: 4 }); // load and warm up
const best = {};
for (let r = 0; r < rounds; r++) {
  for (const [name, b] of Object.entries(backends)) {
    const m = await time(b);
    if (!best[name] || m.wall < best[name].wall) best[name] = m;
  }
}
console.log(`best of ${rounds} alternating rounds:`);
const { tiny, onnx } = best;
report('tiny', tiny);
report('onnx', onnx);
const same = onnx.outs.filter((o, i) => o === tiny.outs[i]).length;
console.log(
  `onnx / tiny throughput: ${(tiny.wall / onnx.wall).toFixed(2)}x wall, ${(tiny.used / onnx.used).toFixed(2)}x cpu; identical outputs ${same}/${nPrompts}`,
);
await rm(dir, { recursive: true, force: true });
