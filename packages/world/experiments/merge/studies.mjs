// node studies.mjs STUDY_DIR... : how often a merge beat both of its parents in lamdagent studies (journal.jsonl).
// A merge trial is one of type ties, task_arithmetic or linear; its parents are its `models` inputs (the
// base_models input is not a parent); a parent's reward is its initial evaluation or its trial's. "Beats" is
// reward > the better parent's; "clearly" adds the 0.018 noise margin of a three-task mean at n = 1,000.
import { readFileSync } from 'node:fs';
import path from 'node:path';
const MERGES = new Set(['ties', 'task_arithmetic', 'linear']);
const f = (x) => x.toFixed(3);
const total = { merges: 0, beat: 0, clearly: 0 };
for (const dir of process.argv.slice(2)) {
  const lines = readFileSync(path.join(dir, 'journal.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const reward = new Map();
  const label = new Map();
  for (const l of lines) {
    if (l.kind !== 'initial') continue;
    for (const id of l.ids) {
      reward.set(id, l.reward);
      label.set(id, l.name);
    }
  }
  let merges = 0,
    beat = 0,
    clearly = 0,
    best = { reward: -1 };
  const rows = [];
  for (const l of lines) {
    if (l.kind !== 'trial-end' || l.trial.state !== 'complete') continue;
    const t = l.trial;
    reward.set(t.produced.id, t.reward);
    label.set(t.produced.id, `t${t.index}`);
    if (t.reward > best.reward) best = { reward: t.reward, trial: t.index, action: t.action.name };
    if (!MERGES.has(t.action.type)) continue;
    const parents = [...new Set(t.action.inputs.filter((i) => i.kind === 'models').map((i) => i.id))];
    if (parents.length < 2) continue; // a model merged with itself
    merges++;
    const top = Math.max(...parents.map((p) => reward.get(p)));
    const gain = t.reward - top;
    if (gain > 0) beat++;
    if (gain > 0.018) clearly++;
    rows.push(`  t${t.index} ${t.action.name}(${parents.map((p) => label.get(p)).join(', ')}) ${f(t.reward)} vs ${f(top)} ${gain >= 0 ? '+' : ''}${f(gain)}`);
  }
  const initialBest = Math.max(...lines.filter((l) => l.kind === 'initial').map((l) => l.reward));
  console.log(
    `${dir}: ${merges} merges of two models, ${beat} beat both parents, ${clearly} by > 0.018; best trial t${best.trial} ${best.action} ${f(best.reward)} (best initial model ${f(initialBest)})`,
  );
  for (const r of rows) console.log(r);
  total.merges += merges;
  total.beat += beat;
  total.clearly += clearly;
}
console.log(`total: ${total.merges} merges, ${total.beat} beat both parents, ${total.clearly} by > 0.018`);
