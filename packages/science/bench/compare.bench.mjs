// `npm run bench` (compare): random, random-type and greedy on the shipped embedded-world table,
// 20 seeds × 30 iterations, replayed by the `replay` executor; prints the statistics, the wall time
// and the table's hit rate. The live comparison on the embedded world (3 seeds × 20 iterations, one
// shared action cache) is compare-live.bench.mjs beside it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compare, parsePolicies } from '@lamdagent/science';
import { buildWorld } from '@lamdagent/world';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..', '..');
const config = path.join(root, 'examples', 'quickstart', 'study.yaml');
const table = path.join(here, '..', 'tables', 'embedded-world.json');
const arms = parsePolicies('random,random-type,greedy', root).map((p) => ({ label: p.label, policy: p }));

let t = Date.now();
const w = await buildWorld(path.join(root, 'examples', 'quickstart', 'world'), { seed: 0 }, { log: (l) => console.error(l) });
console.log(
  `embedded world: ${w.built.length ? `built ${w.built.join(', ')}` : 'reused'} in ${((Date.now() - t) / 1000).toFixed(1)} s (not part of the figures below)`,
);

const rate = (r) => {
  const s = r.report.arms.flatMap((a) => a.seeds);
  const executed = s.reduce((n, x) => n + x.executed, 0);
  const misses = s.reduce((n, x) => n + x.misses, 0);
  return {
    executed,
    misses,
    hit: executed ? (executed - misses) / executed : 0,
    cached: s.reduce((n, x) => n + x.fromCache, 0),
    trials: s.reduce((n, x) => n + x.trials, 0),
  };
};

const out = mkdtempSync(path.join(tmpdir(), 'bench-compare-'));
try {
  t = Date.now();
  const r = await compare({ configPath: config, arms, seeds: 20, iterations: 30, outDir: path.join(out, 'table'), table, parallel: 1 }).catch((e) => {
    if (/table was built for another config/.test(e.message)) {
      console.error(
        `${e.message}\nThe shipped table belongs to another build of the embedded world (its files differ, e.g. after a change to the tiny model's engine): rebuild it with packages/science/scripts/build-table.sh.`,
      );
      process.exit(1);
    }
    throw e;
  });
  const secs = (Date.now() - t) / 1000;
  const h = rate(r);
  console.log(`\ncompare on the table: 3 policies × 20 seeds × 30 iterations in ${secs.toFixed(1)} s`);
  console.log(
    `table hit rate: ${(100 * h.hit).toFixed(1)}% (${h.executed - h.misses} of ${h.executed} executed actions answered; ${h.misses} misses, failed as TableMiss)`,
  );
  for (const a of r.report.arms) {
    const ex = a.seeds.reduce((n, x) => n + x.executed, 0);
    const mi = a.seeds.reduce((n, x) => n + x.misses, 0);
    console.log(
      `  ${a.label}: hit rate ${(100 * (1 - mi / ex)).toFixed(1)}%; seeds replayed without a miss: ${
        a.seeds
          .filter((x) => x.misses === 0)
          .map((x) => x.seed)
          .join(', ') || 'none'
      }`,
    );
  }
  console.log(r.text);
} finally {
  rmSync(out, { recursive: true, force: true });
}
