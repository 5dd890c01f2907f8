// The same 8 embedded-world SFT trials with concurrency 1 and 2 on the local subprocess executor:
// prints both wall times and the ratio (2 cores: close to 2x is the goal).
// Usage: node benchmarks/concurrency.bench.mjs   (after npm run build)
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runStudy } from '@lamdagent/core';
import { buildWorld } from '@lamdagent/world';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const world = await buildWorld(path.join(root, 'examples', 'quickstart', 'world'), { seed: 0 }, { log: (l) => process.stderr.write(`${l}\n`) });
const dir = mkdtempSync(path.join(tmpdir(), 'bench-conc-'));
// A replay policy: trial i runs the i-th SFT action, whatever the concurrency, so both runs do the same work.
const replay = path.join(dir, 'replay-policy.mjs');
writeFileSync(replay, `export default { name: 'replay-policy', version: '1.0.0', apiVersion: 1, provides: { policies: ['replay'] },
  register(r) { r.policy({ name: 'replay', create: () => ({ name: 'replay', async select(ctx) { return { action: ctx.space.atFor(0, ctx.iteration % ctx.space.countFor(0)) }; } }) }); } };\n`);
const tasks = ['arith', 'mc', 'rc'].map((t) => ({ name: t, options: { scorer: { arith: 'numeric', mc: 'choice', rc: 'exact' }[t], data: { validation: world.data.eval[t].validation } } }));
const config = (k) => ({
  seed: 1, budget: { iterations: 8 }, policy: 'replay', concurrency: k, executor: 'subprocess',
  plugins: [replay, path.join(root, 'packages', 'action-sft'), path.join(root, 'packages', 'eval-suites')], discoverPlugins: false,
  objects: { models: { values: [world.baseModel, world.specialists.arith], names: ['base', 'arith-specialist'] }, sft_dataset: [world.data.sft.arith, world.data.sft.mc, world.data.sft.rc, world.data.sft.arith], sft_lr: [0.003] },
  actions: { sft: { slots: ['models', 'sft_dataset', 'sft_lr'], params: { epochs: 1, batchSize: 32 } } },
  tasks,
});
// The 4th dataset: 1,000 examples of the all-skills mix, so the 8 actions are distinct and of similar size.
const { readFileSync } = await import('node:fs');
writeFileSync(path.join(dir, 'mix-1k.jsonl'), readFileSync(world.data.sft.all, 'utf8').split('\n').slice(0, 1000).join('\n'));
const times = {};
for (const k of [1, 2]) {
  const c = config(k);
  c.objects.sft_dataset[3] = path.join(dir, 'mix-1k.jsonl');
  const file = path.join(dir, `study-k${k}.json`);
  writeFileSync(file, JSON.stringify(c));
  const t0 = performance.now();
  const s = await runStudy({ configPath: file, outDir: path.join(dir, `k${k}`) });
  times[k] = (performance.now() - t0) / 1000;
  const done = s.trials.filter((t) => t.state === 'complete').length;
  console.log(`concurrency ${k}: ${s.trials.length} trials (${done} complete) in ${times[k].toFixed(1)} s`);
}
console.log(`wall-time ratio (concurrency 1 / concurrency 2): ${(times[1] / times[2]).toFixed(2)}x  (goal: close to 2x on 2 cores)`);
