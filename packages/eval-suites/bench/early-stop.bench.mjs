// Early-stopping evaluation, replayed on recorded studies (issue 19 item 5).
//
//   node packages/eval-suites/bench/early-stop.bench.mjs [STUDY_DIR...] [--looks 0.1,0.25,0.5] [--alpha 0.05] [--json]
//
// Default studies: /work/table-build/*-s*/ (embedded-world studies; read only). Each study is replayed trial by
// trial in journal (completion) order with the decision code of the live option (`earlyStopSpec` + `earlyStopDecide`
// of @lamdagent/core): before a trial is evaluated, the threshold is the topK-th best reward of the replayed trials
// so far; the trial's recorded per-item results (jobs/tNNNN/eval/<task>.validation.jsonl, or those of the study and
// trial the shared cache served it from) are read slice by slice, and a trial the test stops keeps its slice reward.
// Reported per study: evaluation items scored with and without early stopping (a slice's items are generated once:
// a later look reuses them), the evaluation seconds saved (each trial's `evaluate` seconds times its share of items
// not scored), and whether the final top-k (by validation reward) changed.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { earlyStopDecide, earlyStopSpec, registerBuiltins, Registry, topK } from '@lamdagent/core';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const looks = opt('--looks', '0.1,0.25,0.5').split(',').map(Number);
const alpha = Number(opt('--alpha', '0.05'));
const json = args.includes('--json');
const skip = new Set(['--looks', '--alpha'].flatMap((f) => (args.includes(f) ? [args[args.indexOf(f) + 1]] : [])));
let dirs = args.filter((a) => !a.startsWith('--') && !skip.has(a));
if (dirs.length === 0) {
  const root = '/work/table-build';
  dirs = existsSync(root)
    ? readdirSync(root)
        .filter((d) => /-s\d+$/.test(d))
        .map((d) => path.join(root, d))
    : [];
}
if (dirs.length === 0) {
  console.error('no study folders: give them as arguments');
  process.exit(2);
}

const registry = new Registry();
await registerBuiltins(registry);

function itemScores(studyDir, index, task) {
  const file = path.join(studyDir, 'jobs', `t${String(index).padStart(4, '0')}`, 'eval', `${task.replace(/[^A-Za-z0-9._-]/g, '_')}.validation.jsonl`);
  if (!existsSync(file)) return undefined;
  const out = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const r = JSON.parse(line);
    out.push(typeof r.correct === 'boolean' ? (r.correct ? 1 : 0) : r.score);
  }
  return out;
}

function replay(dir) {
  const snap = JSON.parse(readFileSync(path.join(dir, 'study.json'), 'utf8'));
  const cfg = snap.config;
  const k = cfg.topK ?? 3;
  const tasks = cfg.tasks.map((t) => ({
    name: t.name,
    evaluator: t.evaluator ?? 'suite',
    metric: t.metric ?? 'acc',
    max: t.max ?? 1,
    alpha: t.alpha ?? 1 / (t.max ?? 1),
    inReward: t.inReward !== false,
    options: t.options ?? {},
  }));
  const aggName = typeof cfg.aggregation === 'string' ? cfg.aggregation : (cfg.aggregation?.name ?? 'mean');
  const aggregator = registry
    .aggregatorFactory(aggName)
    .create({}, { configDir: dir, seed: 0, env: {}, generationBackend: () => Promise.reject(new Error('none')) });
  const ends = readFileSync(path.join(dir, 'journal.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l))
    .filter((r) => r.kind === 'trial-end')
    .map((r) => r.trial);
  const replayed = new Map(); // index -> replayed record
  const history = [];
  let itemsFull = 0;
  let itemsUsed = 0;
  let secFull = 0;
  let secSaved = 0;
  let stopped = 0;
  let evaluated = 0;
  let missing = 0;
  for (const t of ends) {
    let rec = t;
    if (t.state === 'complete') {
      const where = t.cache ? { dir: t.cache.study, index: t.cache.trial } : { dir, index: t.index };
      const per = tasks.map((task) => itemScores(where.dir, where.index, task.name));
      const evalSec = t.cache ? 0 : (t.durations?.evaluate ?? 0);
      if (per.some((p) => !p || p.length === 0)) missing++;
      else if (!t.cache) {
        // Served by the shared cache: nothing was evaluated, with or without early stopping.
        const spec = earlyStopSpec({ looks, alpha }, history, k, aggregator, tasks, { name: aggName, options: {} });
        const full = per.reduce((a, p) => a + p.length, 0);
        itemsFull += full;
        secFull += evalSec;
        evaluated++;
        let used = full;
        if (spec) {
          for (const f of spec.looks) {
            const slices = per.map((p) => p.slice(0, Math.ceil(f * p.length)));
            if (spec.fallback) break;
            const check = earlyStopDecide(
              spec,
              slices.map((s, i) => ({ task: tasks[i].name, scores: s, total: per[i].length, range: [0, tasks[i].max] })),
              tasks,
              aggregator,
            );
            if (check.stop) {
              used = check.items;
              const results = tasks.map((task, i) => ({
                task: task.name,
                metric: task.metric,
                score: slices[i].reduce((a, b) => a + b, 0) / slices[i].length,
                split: 'validation',
              }));
              rec = { ...t, reward: aggregator.aggregate(results, tasks), partial: { slice: f, threshold: spec.threshold } };
              stopped++;
              break;
            }
          }
        }
        itemsUsed += used;
        secSaved += evalSec * (1 - used / full);
      }
    } else if (t.state === 'cached' && t.cachedFrom !== undefined && replayed.has(t.cachedFrom)) {
      const from = replayed.get(t.cachedFrom);
      rec = { ...t, reward: from.reward };
    }
    replayed.set(t.index, rec);
    history.push(rec);
  }
  const before = topK(ends, k).map((t) => t.index);
  const after = topK(history, k).map((t) => t.index);
  return {
    study: path.basename(dir),
    trials: ends.length,
    evaluated,
    stopped,
    missingItems: missing,
    itemsFull,
    itemsUsed,
    itemsSavedPct: itemsFull ? (100 * (itemsFull - itemsUsed)) / itemsFull : 0,
    evaluateSec: secFull,
    evaluateSecSaved: secSaved,
    topBefore: before,
    topAfter: after,
    topSetChanged: [...before].sort().join() !== [...after].sort().join(),
    topOrderChanged: before.join() !== after.join(),
  };
}

const rows = dirs.map(replay);
const total = rows.reduce(
  (a, r) => ({ itemsFull: a.itemsFull + r.itemsFull, itemsUsed: a.itemsUsed + r.itemsUsed, sec: a.sec + r.evaluateSec, saved: a.saved + r.evaluateSecSaved }),
  { itemsFull: 0, itemsUsed: 0, sec: 0, saved: 0 },
);
const summary = {
  looks,
  alpha,
  studies: rows.length,
  itemsSavedPct: total.itemsFull ? (100 * (total.itemsFull - total.itemsUsed)) / total.itemsFull : 0,
  evaluateSecSavedPct: total.sec ? (100 * total.saved) / total.sec : 0,
  topSetChanged: rows.filter((r) => r.topSetChanged).length,
  topOrderChanged: rows.filter((r) => r.topOrderChanged).length,
};
if (json) console.log(JSON.stringify({ summary, rows }, null, 2));
else {
  console.log(`early stopping replay: looks ${looks.join(', ')}, alpha ${alpha}, threshold = topK-th best so far`);
  console.log('study              trials  evaluated  stopped  items full  items used  saved %  eval s  saved s  top-k before   top-k after  changed');
  for (const r of rows) {
    console.log(
      `${r.study.padEnd(18)} ${String(r.trials).padStart(6)} ${String(r.evaluated).padStart(10)} ${String(r.stopped).padStart(8)} ${String(r.itemsFull).padStart(11)} ${String(r.itemsUsed).padStart(11)} ${r.itemsSavedPct.toFixed(1).padStart(8)} ${r.evaluateSec.toFixed(0).padStart(7)} ${r.evaluateSecSaved.toFixed(0).padStart(8)}  ${r.topBefore.join(',').padEnd(12)} ${r.topAfter.join(',').padEnd(12)}  ${r.topSetChanged ? 'set' : r.topOrderChanged ? 'order' : 'no'}${r.missingItems ? `  (${r.missingItems} trials without per-item files)` : ''}`,
    );
  }
  console.log(
    `total: ${summary.itemsSavedPct.toFixed(1)}% fewer evaluation items, ${summary.evaluateSecSavedPct.toFixed(1)}% fewer evaluation seconds; top-k set changed in ${summary.topSetChanged}/${summary.studies} studies, order in ${summary.topOrderChanged}`,
  );
}
