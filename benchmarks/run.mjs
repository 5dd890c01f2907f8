// `npm run bench`: runs every benchmark in sequence (after `turbo run build`) and prints their figures.
// Each benchmark measures its comparisons side by side in one run and prints ratios.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BENCHES = [
  ['study loop overhead', 'benchmarks/loop.bench.mjs'],
  ['tiny model vs PyTorch: SFT tokens/s, generation token-steps/s, peak RSS', 'packages/tinylm/bench/bench.mjs'],
  ['generation: onnx vs tiny backend', 'packages/eval-suites/bench/onnx.bench.mjs'],
  ['TIES merge throughput', 'packages/action-ties/bench/merge.bench.mjs'],
  ['LLM policy prompt tokens per iteration', 'packages/policy-llm/bench/tokens.bench.mjs'],
  [
    'agent LLM for real: Gemma 3 270M via llama-cpp on the shipped embedded-world table, constrained vs free text vs random (5 seeds × 20 iterations)',
    'packages/policy-llm/bench/agent.bench.mjs',
  ],
  ['local executor concurrency 1 vs 2', 'benchmarks/concurrency.bench.mjs'],
  ['quickstart wall time', 'benchmarks/quickstart.bench.mjs'],
  ['tiny TRL SFT job seconds (Python, CPU)', 'packages/runner-command/bench/trl-sft.bench.mjs'],
  ['compare policies on the shipped table (replay)', 'packages/science/bench/compare.bench.mjs'],
  ['compare policies on the interference variant (replay), against its Fully Fine-Tuned baselines', 'packages/science/bench/compare-interference.bench.mjs'],
  ['compare policies on the tools world (Experiment 2, replay), against its Fully Fine-Tuned baselines', 'packages/science/bench/compare-tools.bench.mjs'],
  ['compare policies live on the embedded world: 3 seeds × 20 iterations, one shared cache (long)', 'packages/science/bench/compare-live.bench.mjs'],
  ['fuzzing: safetensors header, LLM replies, config loader, journal reader (100000 inputs each)', 'benchmarks/fuzz.bench.mjs'],
  ['kill -9 / signals during studies (subprocess executor), then resume', 'benchmarks/crash.bench.mjs'],
  ['search policies (surrogate, evolution) vs random, random-type, greedy: 20 seeds × 30 iterations', 'packages/policy-search/bench/policies.bench.mjs'],
  ['multi-fidelity search (halving): best reward per trial-second', 'packages/policy-search/bench/fidelity.bench.mjs'],
];
const only = process.argv.slice(2);
let failed = 0;
for (const [name, file] of BENCHES) {
  if (only.length && !only.some((o) => file.includes(o))) continue;
  const abs = path.join(root, file);
  console.log(`\n=== ${name} (${file})`);
  if (!existsSync(abs)) {
    console.log('(not present)');
    continue;
  }
  const r = spawnSync(process.execPath, [abs], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
