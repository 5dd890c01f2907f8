// `npm run bench` (compare, live): `lamdagent compare` on the embedded world as a user runs it, the
// quickstart's study.yaml, random, random-type and greedy, 3 seeds × 20 iterations, every study sharing
// one fresh action cache; prints the wall time, the fraction of actions the shared cache served, and
// the comparison table. Long on 2 cores (every action not in the cache trains and scores a model).
//
//   node packages/science/bench/compare-live.bench.mjs [--seeds N] [--iterations T] [--policies P1,P2]
//                                                      [--smoke] [--keep]
//   --smoke   1 seed × 2 iterations (proves the benchmark runs; its figures mean little)
//   --keep    keep the comparison folder and cache (printed) instead of deleting them
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildWorld } from '@lamdagent/world';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..', '..');
const config = path.join(root, 'examples', 'quickstart', 'study.yaml');
const bin = path.join(root, 'packages', 'cli', 'dist', 'bin.js');

const { values } = parseArgs({
  options: {
    seeds: { type: 'string' },
    iterations: { type: 'string' },
    policies: { type: 'string', default: 'random,random-type,greedy' },
    smoke: { type: 'boolean' },
    keep: { type: 'boolean' },
  },
});
const seeds = values.seeds ?? (values.smoke ? '1' : '3');
const iterations = values.iterations ?? (values.smoke ? '2' : '20');
if (!existsSync(bin)) {
  console.error(`${bin} is missing: build first (npm run bench builds; or npx turbo run build)`);
  process.exit(1);
}

let t = Date.now();
const w = await buildWorld(path.join(root, 'examples', 'quickstart', 'world'), { seed: 0 }, { log: (l) => console.error(l) });
console.log(
  `embedded world: ${w.built.length ? `built ${w.built.join(', ')}` : 'reused'} in ${((Date.now() - t) / 1000).toFixed(1)} s (not part of the figures below)`,
);

const tmp = mkdtempSync(path.join(tmpdir(), 'bench-compare-live-'));
const out = path.join(tmp, 'comparison');
const cache = path.join(tmp, 'cache');
const argv = [bin, 'compare', config, '--policies', values.policies, '--seeds', seeds, '--iterations', iterations, '--out', out, '--cache', cache];
console.log(`lamdagent ${argv.slice(1).join(' ')}`);
try {
  t = Date.now();
  // Progress (stderr) shows as it runs; the table (stdout) is printed after the figures.
  const r = spawnSync(process.execPath, argv, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 });
  const secs = (Date.now() - t) / 1000;
  if (r.status !== 0) {
    console.error(`lamdagent compare exited ${r.status ?? r.signal}\n${r.stdout}`);
    process.exit(1);
  }
  const doc = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8'));
  const all = doc.arms.flatMap((a) => a.perSeed);
  const executed = all.reduce((n, s) => n + s.executed, 0);
  const fromCache = all.reduce((n, s) => n + s.fromCache, 0);
  const trials = doc.arms.length * doc.seeds.length * doc.iterations;
  const pol = doc.arms.length;
  console.log(
    `\nlive compare (embedded world, one shared cache): ${pol} policies × ${doc.seeds.length} seeds × ${doc.iterations} iterations in ${secs.toFixed(0)} s wall`,
  );
  console.log(
    `actions served from the shared cache: ${fromCache} of ${fromCache + executed} that a study had to run (${(fromCache + executed ? (100 * fromCache) / (fromCache + executed) : 0).toFixed(1)}%); ${executed} executed; ${trials - fromCache - executed} of ${trials} trials were repeats answered inside their own study`,
  );
  for (const a of doc.arms) {
    const ex = a.perSeed.reduce((n, s) => n + s.executed, 0);
    const fc = a.perSeed.reduce((n, s) => n + s.fromCache, 0);
    console.log(`  ${a.label}: ${fc} from the cache, ${ex} executed`);
  }
  console.log(`\n${r.stdout.trim()}`);
  if (values.keep) console.log(`\nkept: ${out} (results.json, figure.html) and the cache ${cache}`);
} finally {
  if (!values.keep) rmSync(tmp, { recursive: true, force: true });
}
