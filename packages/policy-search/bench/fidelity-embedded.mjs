// Best validation reward per unit of compute on the embedded world: reads finished studies (folders named
// <policy>-s<seed>, as `lamdagent compare` writes them) that ran on one shared action cache, and charges
// each trial what its action cost when it ran: its own durations, or for a trial the shared cache served,
// the durations in the cache entry (the study that ran it first); a repeat of an action the same study
// already ran is free. Trial-seconds two ways: `train` (execute: the job, as bench/fidelity.bench.mjs
// counts) and `total` (execute + evaluate: every trial scores its model on the same validation sets).
// Prints per policy the best reward after N trials and within compute budgets (mean ± sd over seeds),
// the compute spent, and paired Wilcoxon tests (by seed) of `halving` against each other policy.
// --normalize: trials that ran in these studies (not served by the cache) are charged their seconds ×
// (median evaluate seconds of the cache's entries / median evaluate seconds of these trials): every trial
// evaluates the same 300 validation items, so the ratio is the machine's load then against now.
// --trials N: only each study's first N trials.
// --table T: also count each study's actions that T does not hold (they ran for real: a `--fill`), and,
// for every one-step screen in T (sft(parent, low data, lr)) whose full step (the same with the full data,
// --pairs low=full,...) is in T too, Kendall's tau-b between their rewards and their median seconds.
// Usage: node packages/policy-search/bench/fidelity-embedded.mjs --cache DIR [--table T] [--after 10,20,30] [--total 150,300,600] [--train 40,80,160] [--normalize] STUDY_DIR...
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openStudy } from '@lamdagent/core';
import { kendallTau, mean, quantile, readTable, sd, wilcoxonSignedRank } from '@lamdagent/science';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    cache: { type: 'string' },
    total: { type: 'string', default: '150,300,600' },
    train: { type: 'string', default: '40,80,160' },
    normalize: { type: 'boolean' },
    table: { type: 'string' },
    after: { type: 'string', default: '10,20,30' },
    trials: { type: 'string' },
    pairs: { type: 'string', default: 'arith-250=arith-1k,mc-250=mc-1k,rc-250=rc-1k,all-750=all-3k' },
  },
});
if (!values.cache || !positionals.length) {
  console.error('usage: fidelity-embedded.mjs --cache DIR [--total B,...] [--train B,...] STUDY_DIR...');
  process.exit(2);
}
const nums = (s) => s.split(',').map(Number);
const budgets = { total: nums(values.total), train: nums(values.train) };
const entryDurations = (key) => {
  const f = path.join(values.cache, 'entries', key, 'entry.json');
  if (!existsSync(f)) throw new Error(`${f}: no such cache entry`);
  return JSON.parse(readFileSync(f, 'utf8')).durations;
};
const table = values.table ? readTable(path.resolve(values.table)) : undefined;
const evalNow = [];
const evalThen = [];
const studies = positionals.map((dir) => {
  const m = /^(.*)-s(\d+)$/.exec(path.basename(path.resolve(dir)));
  if (!m) throw new Error(`${dir}: not named <policy>-s<seed>`);
  const view = openStudy(dir);
  const trials = [...view.trials].sort((x, y) => x.index - y.index).slice(0, values.trials ? Number(values.trials) : undefined);
  for (const t of trials) {
    const d = t.cache ? entryDurations(t.cache.key) : t.durations;
    if (t.state !== 'cached' && d['evaluate']) (t.cache ? evalThen : evalNow).push(d['evaluate']);
  }
  return { m, view, trials };
});
const median = (xs) =>
  xs.length
    ? quantile(
        [...xs].sort((a, b) => a - b),
        0.5,
      )
    : Number.NaN;
const ratio = values.normalize && evalNow.length && evalThen.length ? median(evalThen) / median(evalNow) : 1;
const arms = new Map();
for (const { m, view, trials } of studies) {
  const seen = new Set();
  let train = 0;
  let total = 0;
  // The initial models' scores count (every policy starts from them; core scores them once, free here).
  const start = Math.max(0, ...[...view.journal.initial.values()].map((r) => r.reward ?? 0));
  let best = start;
  let screens = 0;
  let misses = 0;
  const curve = trials.map((t) => {
    if (table && !seen.has(t.action.key) && !table.entries[t.action.key]) misses++;
    if (!seen.has(t.action.key) && t.state !== 'cached') {
      const d = t.cache ? entryDurations(t.cache.key) : t.durations;
      const k = t.cache ? 1 : ratio;
      const tr = ((d['execute'] ?? 0) + (d['smoke'] ?? 0)) * k;
      train += tr;
      total += tr + (d['evaluate'] ?? 0) * k;
    }
    seen.add(t.action.key);
    if (t.action.inputs.some((i) => /\.0\.\d+x\b|-250$|-750$/.test(i.name))) screens++;
    if (t.state !== 'failed' && typeof t.reward === 'number') best = Math.max(best, t.reward);
    return { train, total, best };
  });
  curve.start = start;
  const arm = arms.get(m[1]) ?? [];
  arm.push({ seed: Number(m[2]), curve, screens, misses, failed: trials.filter((t) => t.state === 'failed').length });
  arms.set(m[1], arm);
}
for (const a of arms.values()) a.sort((x, y) => x.seed - y.seed);
const within = (c, k, b) => c.filter((p) => p[k] <= b).reduce((acc, p) => Math.max(acc, p.best), c.start);
const after = (c, n) => c[Math.min(n, c.length) - 1]?.best ?? c.start;
const fmt = (xs) => `${mean(xs).toFixed(3)} ± ${(xs.length > 1 ? sd(xs) : 0).toFixed(3)}`;
const cols = [
  ...nums(values.after).map((k) => ({ label: `after ${k} trials`, of: (c) => after(c, k) })),
  ...budgets.total.map((b) => ({ label: `≤ ${b} s total`, of: (c) => within(c, 'total', b) })),
  ...budgets.train.map((b) => ({ label: `≤ ${b} s train`, of: (c) => within(c, 'train', b) })),
];
console.log('best validation reward, mean ± sd over seeds (after N trials; within a budget of trial-seconds: total = execute + evaluate, train = execute)');
const rows = [['policy', 'seeds', ...cols.map((c) => c.label), 'total s spent', 'train s spent', 'screens', ...(table ? ['not in table'] : []), 'failed']];
for (const [label, a] of arms) {
  rows.push([
    label,
    a.map((s) => s.seed).join(','),
    ...cols.map((c) => fmt(a.map((s) => c.of(s.curve)))),
    fmt(a.map((s) => s.curve.at(-1).total)).replace(/\.(\d)\d\d/g, '.$1'),
    fmt(a.map((s) => s.curve.at(-1).train)).replace(/\.(\d)\d\d/g, '.$1'),
    String(a.reduce((x, s) => x + s.screens, 0)),
    ...(table ? [String(a.reduce((x, s) => x + s.misses, 0))] : []),
    String(a.reduce((x, s) => x + s.failed, 0)),
  ]);
}
const width = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const r of rows) console.log(r.map((c, i) => c.padEnd(width[i])).join('  '));
const h = arms.get('halving');
if (h) {
  for (const [label, a] of arms) {
    if (label === 'halving') continue;
    const seeds = h.map((s) => s.seed).filter((s) => a.some((x) => x.seed === s));
    const pick = (arm, s) => arm.find((x) => x.seed === s).curve;
    const parts = cols.map((c) => {
      const x = seeds.map((s) => c.of(pick(h, s)));
      const y = seeds.map((s) => c.of(pick(a, s)));
      const d = mean(x) - mean(y);
      const w = x.filter((v, i) => v > y[i]).length;
      const l = x.filter((v, i) => v < y[i]).length;
      return `${c.label}: ${d >= 0 ? '+' : ''}${d.toFixed(3)} (${w}/${l}) p=${wilcoxonSignedRank(x, y).p.toPrecision(2)}`;
    });
    console.log(`halving vs ${label} (${seeds.length} paired seeds): ${parts.join('; ')}`);
  }
}
if (evalNow.length && evalThen.length) {
  console.log(
    `load check: median evaluate seconds of a trial, run now ${quantile(
      [...evalNow].sort((a, b) => a - b),
      0.5,
    ).toFixed(1)} s (n=${evalNow.length}), in the cache entries ${quantile(
      [...evalThen].sort((a, b) => a - b),
      0.5,
    ).toFixed(1)} s (n=${evalThen.length})`,
  );
}

if (table) {
  const full = Object.fromEntries(values.pairs.split(',').map((p) => p.split('=')));
  const byChain = new Map(Object.values(table.entries).map((e) => [e.chain, e]));
  const reward = (e) => mean(Object.values(e.validation));
  const pairs = [];
  for (const e of Object.values(table.entries)) {
    const m = /^(\w+)\((.*), ([^,()]+), ([^,()]+)\)$/.exec(e.chain);
    if (!m || !full[m[3]] || Object.keys(full).some((l) => m[2].includes(l))) continue;
    const f = byChain.get(`${m[1]}(${m[2]}, ${full[m[3]]}, ${m[4]})`);
    if (f) pairs.push({ low: e, full: f });
  }
  if (pairs.length > 1) {
    console.log(
      `screens with their full step in ${values.table}: ${pairs.length}; Kendall tau-b (screen reward, full-step reward) ${kendallTau(
        pairs.map((p) => reward(p.low)),
        pairs.map((p) => reward(p.full)),
      ).toFixed(
        3,
      )}; median seconds (execute + evaluate) screen ${median(pairs.map((p) => p.low.seconds)).toFixed(1)}, full step ${median(pairs.map((p) => p.full.seconds)).toFixed(1)}`,
    );
  }
}
