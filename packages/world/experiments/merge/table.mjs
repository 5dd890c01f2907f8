// node table.mjs RESULTS.jsonl [minN=1000]: per recipe, each model's mean over seeds (per task and reward),
// and for merges the gain over the better parent per seed and how many seeds beat both parents by > 0.018.
import { readFileSync } from 'node:fs';
const [file, minN = '1000'] = process.argv.slice(2);
const rows = readFileSync(file, 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l))
  .filter((r) => r.n >= Number(minN));
const by = new Map();
for (const r of rows) {
  const k = `${r.recipe}\t${r.model}`;
  const bySeed = by.get(k) ?? new Map();
  bySeed.set(r.seed, r); // the last run of a seed wins
  by.set(k, bySeed);
}
const f = (x) => x.toFixed(3);
let last = '';
for (const [k, bySeed] of by) {
  const [recipe, model] = k.split('\t');
  if (recipe !== last) {
    console.log(`\n${recipe}`);
    last = recipe;
  }
  const rs = [...bySeed.values()];
  const avg = (key) => rs.reduce((s, r) => s + r[key], 0) / rs.length;
  let line = `  ${model.padEnd(26)} arith ${f(avg('arith'))} mc ${f(avg('mc'))} rc ${f(avg('rc'))} mean ${f(avg('mean'))} (seeds ${[...bySeed.keys()].join(',')})`;
  if (rs[0].gain !== undefined) {
    const wins = rs.filter((r) => r.gain > 0.018).length;
    line += `  gain ${rs.map((r) => (r.gain >= 0 ? '+' : '') + f(r.gain)).join(' ')}  mean ${f(avg('gain'))}  beats both by >0.018: ${wins}/${rs.length}`;
  }
  console.log(line);
}
