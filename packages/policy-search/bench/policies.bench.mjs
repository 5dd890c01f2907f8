// `npm run bench` (policy-search): the search policies against random, random-type and greedy at an
// equal budget, 20 seeds × 30 iterations, paired by seed: final best validation reward (mean ± sd,
// 95% t-interval), top-1 test reward, paired Wilcoxon signed-rank (exact) against random and against
// random-type. Measured with @lamdagent/science's compare (every study a real study: journal, pool,
// shared action cache).
//
// Landscapes:
//   default                 the toy landscape of landscape.mjs (live, milliseconds per trial)
//   --table T --config C    a tabular benchmark (lamdagent bench export) replayed by science's replay
//                           executor for config C (e.g. the embedded world's table, once rebuilt)
// Options: --seeds N (20) --iterations N (30) --policies a,b,c (random,random-type,greedy,surrogate,evolution)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { compare, mean, parsePolicies, sd, tInterval, wilcoxonSignedRank } from '@lamdagent/science';
import { writeToyLandscape } from './landscape.mjs';

const { values } = parseArgs({
  options: {
    table: { type: 'string' },
    config: { type: 'string' },
    seeds: { type: 'string', default: '20' },
    iterations: { type: 'string', default: '30' },
    policies: { type: 'string', default: 'random,random-type,greedy,surrogate,evolution' },
    keep: { type: 'boolean' },
  },
});
if (values.table && !values.config) {
  console.error('--table needs --config (the config the table was built for)');
  process.exit(2);
}
const seeds = Number(values.seeds);
const iterations = Number(values.iterations);
const work = mkdtempSync(path.join(tmpdir(), 'bench-policies-'));
const config = values.config ? path.resolve(values.config) : writeToyLandscape(path.join(work, 'world'));
const arms = parsePolicies(values.policies, process.cwd()).map((p) => ({ label: p.label, policy: p }));
const landscape = values.table ? `table ${path.resolve(values.table)} (config ${config})` : 'toy landscape (bench/landscape.mjs, live)';

try {
  const t0 = Date.now();
  const r = await compare({
    configPath: config,
    arms,
    seeds,
    iterations,
    outDir: path.join(work, 'cmp'),
    ...(values.table ? { table: path.resolve(values.table) } : { cache: path.join(work, 'cache') }),
    parallel: 1,
  });
  const secs = (Date.now() - t0) / 1000;
  const finals = new Map(r.report.arms.map((a) => [a.label, a.seeds.map((s) => s.bestSoFar.at(-1) ?? 0)]));
  const tests = new Map(r.report.arms.map((a) => [a.label, a.seeds.map((s) => s.top1Test ?? Number.NaN)]));
  const fmt = (xs) => {
    const ok = xs.filter((x) => Number.isFinite(x));
    if (!ok.length) return 'n/a';
    const ci = tInterval(ok);
    return `${mean(ok).toFixed(3)} ± ${(ok.length > 1 ? sd(ok) : 0).toFixed(3)} [${ci.lo.toFixed(3)}, ${ci.hi.toFixed(3)}]`;
  };
  const vs = (label, ref) => {
    if (!finals.has(ref) || label === ref) return '-';
    const x = finals.get(label);
    const y = finals.get(ref);
    const w = wilcoxonSignedRank(x, y);
    const d = mean(x) - mean(y);
    return `${d >= 0 ? '+' : ''}${d.toFixed(3)} p=${w.p.toPrecision(2)} (${x.filter((v, i) => v > y[i]).length}/${x.filter((v, i) => v < y[i]).length})`;
  };
  console.log(`landscape: ${landscape}`);
  console.log(`${arms.length} policies × ${seeds} seeds × ${iterations} iterations in ${secs.toFixed(1)} s; paired by seed, Wilcoxon signed-rank (two-sided)`);
  const rows = [
    ['policy', 'final best val: mean ± sd [95% CI]', 'top-1 test: mean ± sd [95% CI]', 'vs random: Δ p (W/L)', 'vs random-type: Δ p (W/L)', 'misses'],
  ];
  for (const a of r.report.arms) {
    rows.push([
      a.label,
      fmt(finals.get(a.label)),
      fmt(tests.get(a.label)),
      vs(a.label, 'random'),
      vs(a.label, 'random-type'),
      String(a.seeds.reduce((n, s) => n + s.misses, 0)),
    ]);
  }
  const width = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  for (const row of rows) console.log(row.map((c, i) => c.padEnd(width[i])).join('  '));
  // Best-so-far at a few iterations (how fast each policy gets there).
  const at = [5, 10, 20, iterations].filter((i, k, xs) => i <= iterations && xs.indexOf(i) === k);
  console.log(`\nbest validation so far (mean over seeds) at iteration ${at.join(', ')}:`);
  for (const a of r.report.arms) console.log(`  ${a.label.padEnd(width[0])}  ${at.map((i) => (a.curve[i - 1]?.mean ?? Number.NaN).toFixed(3)).join('  ')}`);
  if (values.keep) console.log(`\nkept ${work}`);
} finally {
  if (!values.keep) rmSync(work, { recursive: true, force: true });
}
