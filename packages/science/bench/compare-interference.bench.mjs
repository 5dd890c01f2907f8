// `npm run bench` (compare-interference): random, random-type and surrogate on the interference variant of
// the embedded world (examples/quickstart/study-interference.yaml), replayed from the shipped table
// tables/interference-world.json (built from live 30-iteration studies on one shared cache by
// `CONFIG=study-interference.yaml WORLD='{"seed":0,"interference":{}}' scripts/build-table.sh`), 10 seeds
// × 30 iterations, against the config's baselines (tables/interference-world.baselines.json, written by
// `lamdagent baselines study-interference.yaml --seeds 3 --fft-epochs 20`): the seeds whose top-1 beats
// Fully Fine-Tuned on the test split. Options: --seeds N (10) --policies a,b,c.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { compare, parsePolicies } from '@lamdagent/science';
import { buildWorld } from '@lamdagent/world';

const { values } = parseArgs({ options: { seeds: { type: 'string', default: '10' }, policies: { type: 'string', default: 'random,random-type,surrogate' } } });
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..', '..');
const config = path.join(root, 'examples', 'quickstart', 'study-interference.yaml');
const table = path.join(here, '..', 'tables', 'interference-world.json');
const baselines = path.join(here, '..', 'tables', 'interference-world.baselines.json');
const seeds = Number(values.seeds);
const arms = parsePolicies(values.policies, root).map((p) => ({ label: p.label, policy: p }));

let t = Date.now();
const w = await buildWorld(path.join(root, 'examples', 'quickstart', 'world'), { seed: 0, interference: {} }, { log: (l) => console.error(l) });
console.log(`embedded world (interference data): ${w.built.length ? `built ${w.built.join(', ')}` : 'reused'} in ${((Date.now() - t) / 1000).toFixed(1)} s`);

const out = mkdtempSync(path.join(tmpdir(), 'bench-compare-interference-'));
try {
  t = Date.now();
  const r = await compare({ configPath: config, arms, seeds, iterations: 30, outDir: path.join(out, 'table'), table, parallel: 1, baselines });
  const all = r.report.arms.flatMap((a) => a.seeds);
  const executed = all.reduce((n, x) => n + x.executed, 0);
  const misses = all.reduce((n, x) => n + x.misses, 0);
  console.log(`\ncompare on the interference table: ${arms.length} policies × ${seeds} seeds × 30 iterations in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  console.log(`table misses: ${misses} of ${executed} executed actions (a miss fails as TableMiss and is never scored)`);
  console.log(r.text);
} finally {
  rmSync(out, { recursive: true, force: true });
}
