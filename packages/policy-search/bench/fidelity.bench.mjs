// `npm run bench` (policy-search, multi-fidelity): the best validation reward reached per unit of
// compute (trial-seconds: the seconds the trials' jobs ran, cached trials free) on the multi-fidelity
// landscape of landscape.mjs (a full SFT step 300 ms, a quarter-data screen 75 ms), `halving` against
// single-fidelity policies, 20 seeds × 30 iterations, paired by seed (Wilcoxon signed-rank).
// Options: --seeds N (20) --iterations N (30) --policies a,b (random-type,evolution,surrogate,halving)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openStudy } from '@lamdagent/core';
import { compare, mean, parsePolicies, sd, studyDirOf, tInterval, wilcoxonSignedRank } from '@lamdagent/science';
import { writeFidelityLandscape } from './landscape.mjs';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '20' },
    iterations: { type: 'string', default: '30' },
    policies: { type: 'string', default: 'random-type,evolution,surrogate,halving' },
  },
});
const seeds = Number(values.seeds);
const iterations = Number(values.iterations);
const work = mkdtempSync(path.join(tmpdir(), 'bench-fidelity-'));
try {
  const config = writeFidelityLandscape(path.join(work, 'world'));
  const arms = parsePolicies(values.policies, process.cwd()).map((p) => ({ label: p.label, policy: p }));
  const outDir = path.join(work, 'cmp');
  const t0 = Date.now();
  const r = await compare({ configPath: config, arms, seeds, iterations, outDir, cache: path.join(work, 'cache'), parallel: 1 });
  const secs = (Date.now() - t0) / 1000;
  // Per study: (cumulative trial-seconds, best reward so far) after each trial, in trial order.
  const curves = new Map();
  for (const a of r.report.arms) {
    curves.set(
      a.label,
      a.seeds.map((s) => {
        const trials = [...openStudy(studyDirOf(outDir, a.label, s.seed)).trials].sort((x, y) => x.index - y.index);
        let spent = 0;
        let best = 0;
        return trials.map((t) => {
          if (t.state !== 'cached' && !t.cache) spent += (t.durations['execute'] ?? 0) + (t.durations['smoke'] ?? 0);
          if (t.state !== 'failed' && typeof t.reward === 'number') best = Math.max(best, t.reward);
          return { spent, best };
        });
      }),
    );
  }
  const budgets = [0.5, 1, 2, 4];
  const bestWithin = (c, b) => c.filter((p) => p.spent <= b).reduce((m, p) => Math.max(m, p.best), 0);
  const fmt = (xs) => {
    const ci = tInterval(xs);
    return `${mean(xs).toFixed(3)} ± ${sd(xs).toFixed(3)} [${ci.lo.toFixed(3)}, ${ci.hi.toFixed(3)}]`;
  };
  console.log(
    `multi-fidelity landscape (bench/landscape.mjs writeFidelityLandscape, live): ${arms.length} policies × ${seeds} seeds × ${iterations} iterations in ${secs.toFixed(1)} s`,
  );
  console.log('best validation reward reached within a compute budget (trial-seconds), mean ± sd [95% CI] over seeds; total trial-seconds spent');
  const rows = [['policy', ...budgets.map((b) => `≤ ${b} s`), `after ${iterations} trials`, 'trial-seconds spent']];
  for (const [label, cs] of curves) {
    const total = cs.map((c) => c.at(-1)?.spent ?? 0);
    const final = cs.map((c) => c.at(-1)?.best ?? 0);
    rows.push([label, ...budgets.map((b) => fmt(cs.map((c) => bestWithin(c, b)))), fmt(final), `${mean(total).toFixed(2)} ± ${sd(total).toFixed(2)}`]);
  }
  const width = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  for (const row of rows) console.log(row.map((c, i) => c.padEnd(width[i])).join('  '));
  if (curves.has('halving')) {
    const h = curves.get('halving');
    for (const [label, cs] of curves) {
      if (label === 'halving') continue;
      const parts = budgets.map((b) => {
        const x = h.map((c) => bestWithin(c, b));
        const y = cs.map((c) => bestWithin(c, b));
        return `≤ ${b} s: ${mean(x) - mean(y) >= 0 ? '+' : ''}${(mean(x) - mean(y)).toFixed(3)} p=${wilcoxonSignedRank(x, y).p.toPrecision(2)}`;
      });
      console.log(`halving vs ${label}: ${parts.join('; ')}`);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
