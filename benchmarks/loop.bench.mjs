// Loop overhead per iteration (runner and evaluator time excluded) at pools of 10, 100 and 1,000
// models (or the sizes given), and the memory the study process holds. Runs against the built
// @lamdagent/core, or the build LAMDAGENT_CORE points at (an index.js), to compare two builds.
// Usage: node benchmarks/loop.bench.mjs [iterations] [pool,pool,...]   e.g. 200 1000,10000
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const { runStudy } = await import(process.env.LAMDAGENT_CORE ? pathToFileURL(path.resolve(process.env.LAMDAGENT_CORE)).href : '@lamdagent/core');
const ITER = Number(process.argv[2] ?? 200);
const POOLS = (process.argv[3] ?? '10,100,1000').split(',').map(Number);
if (!Number.isInteger(ITER) || ITER < 1 || POOLS.some((n) => !Number.isInteger(n) || n < 2)) {
  console.error('usage: node benchmarks/loop.bench.mjs [iterations] [pool,pool,...] (integers; pools of 2 or more)');
  process.exit(2);
}
const pluginFile = path.join(mkdtempSync(path.join(tmpdir(), 'bench-plugin-')), 'noop-plugin.mjs');
writeFileSync(
  pluginFile,
  `
import { mkdirSync, writeFileSync } from 'node:fs';
let runnerMs = 0;
export const timing = { get runnerMs() { return runnerMs; } };
globalThis.__benchTiming = timing;
export default {
  name: 'noop', version: '1', apiVersion: 1,
  provides: { actionTypes: ['sft', 'ties'], runners: ['noop'], evaluators: ['const'] },
  register(r) {
    r.actionType({ type: 'sft', description: 'noop', runner: 'noop', slots: [{ name: 'model', type: 'model' }, { name: 'dataset', type: 'dataset' }, { name: 'lr', type: 'number' }] });
    r.actionType({ type: 'ties', description: 'noop', runner: 'noop', slots: [{ name: 'base', type: 'model' }, { name: 'models', type: 'model', repeat: { min: 2 } }, { name: 'w', type: 'json' }, { name: 'd', type: 'number' }] });
    r.runner({ name: 'noop', version: '1', async run(spec) { const t = performance.now(); mkdirSync(spec.outputDir, { recursive: true }); writeFileSync(spec.outputDir + '/model.json', '{}'); runnerMs += performance.now() - t; return {}; } });
    r.evaluator({ name: 'const', create: () => ({ name: 'const', async evaluate(m, task, ctx) { const t = performance.now(); const s = (m.name.length * 7 % 10) / 10; runnerMs += performance.now() - t; return { task: task.name, metric: 'acc', score: s, split: ctx.split }; } }) });
  },
};
`,
);

async function bench(poolSize) {
  const dir = mkdtempSync(path.join(tmpdir(), `bench-loop-${poolSize}-`));
  const models = [];
  for (let i = 0; i < poolSize; i++) {
    const m = path.join(dir, 'models', `m${i}`);
    mkdirSync(m, { recursive: true });
    writeFileSync(path.join(m, 'model.json'), JSON.stringify({ i }));
    models.push(`models/m${i}`);
  }
  for (let i = 0; i < 9; i++) writeFileSync(path.join(dir, `d${i}.jsonl`), `{"i":${i}}\n`);
  const config = {
    seed: 1,
    budget: { iterations: ITER },
    policy: 'random',
    plugins: [pluginFile],
    discoverPlugins: false,
    objects: { base_models: [models[0]], models, datasets: Array.from({ length: 9 }, (_, i) => `d${i}.jsonl`), lr: [1e-5], w: [[0.5, 0.5]], d: [0.5] },
    actions: { sft: ['models', 'datasets', 'lr'], ties: ['base_models', 'models', 'models', 'w', 'd'] },
    tasks: [
      { name: 'a', evaluator: 'const' },
      { name: 'b', evaluator: 'const' },
    ],
  };
  writeFileSync(path.join(dir, 'study.json'), JSON.stringify(config));
  const timing = () => globalThis.__benchTiming?.runnerMs ?? 0;
  let t0 = 0;
  let r0 = 0;
  let first = true;
  let peakRss = 0;
  const s = await runStudy({
    configPath: path.join(dir, 'study.json'),
    outDir: path.join(dir, 'study'),
    onEvent: (e) => {
      if (e.type === 'start') {
        t0 = performance.now();
        r0 = timing();
        first = false;
      }
      if (e.type === 'trial-end') peakRss = Math.max(peakRss, process.memoryUsage().rss);
    },
  });
  void first;
  const total = performance.now() - t0;
  const perIter = (total - (timing() - r0)) / s.trials.length;
  rmSync(dir, { recursive: true, force: true });
  return { poolSize, trials: s.trials.length, perIterMs: perIter, peakRssMb: peakRss / 2 ** 20, heapMb: process.memoryUsage().heapUsed / 2 ** 20 };
}

console.log(`loop overhead per iteration (runner and evaluator time excluded), ${ITER} iterations, random policy over sft + ties`);
console.log('pool     ms/iter   peak RSS MB   heap MB   (goal: < 20 ms and < 300 MB at 1,000 models)');
for (const n of POOLS) {
  const r = await bench(n);
  console.log(`${String(n).padEnd(8)} ${r.perIterMs.toFixed(2).padStart(7)}   ${r.peakRssMb.toFixed(0).padStart(11)}   ${r.heapMb.toFixed(0).padStart(7)}`);
}
