// A comparison table like the paper's Table 1: baselines and the study's top-k, in- and
// out-of-distribution tasks, on the held-out test split (validation average alongside).
const ID = ['arith', 'mc', 'rc'];
const OOD = ['arith_ood', 'mc_ood', 'rc_ood'];

const f = (x) => (x === undefined ? '   -  ' : x.toFixed(3));
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** rows: [{ name, group, test: {task: score}, validation: {task: score} }] */
export function table1(rows) {
  const nameW = Math.max(24, ...rows.map((r) => r.name.length + 2));
  const head = `${'Method'.padEnd(nameW)}  ${'In-distribution'.padEnd(20)}  ${'Out-of-distribution'.padEnd(26)}  Avg    (val Avg)`;
  const sub = `${''.padEnd(nameW)}  ${ID.map((t) => t.padEnd(6)).join(' ')}  ${OOD.map((t) => t.padEnd(8)).join(' ')}`;
  const lines = ['Held-out test split (validation average of the in-distribution tasks in parentheses):', '', head, sub, '-'.repeat(head.length)];
  let group;
  for (const r of rows) {
    if (r.group !== group) {
      group = r.group;
      lines.push(group);
    }
    const all = [...ID, ...OOD].map((t) => r.test[t]);
    lines.push(
      `  ${r.name.padEnd(nameW - 2)}  ${ID.map((t) => f(r.test[t]).padEnd(6)).join(' ')}  ${OOD.map((t) => f(r.test[t]).padEnd(8)).join(' ')}  ${f(mean(all))}  (${f(mean(ID.map((t) => r.validation[t])))})`,
    );
  }
  return lines.join('\n');
}

/** The same rows as the dashboard's baselines.json: [{ name, scores, split }]. */
export function baselinesJson(rows) {
  return rows
    .filter((r) => r.group === 'Baselines')
    .flatMap((r) => [
      { name: r.name, split: 'validation', scores: r.validation },
      { name: r.name, split: 'test', scores: r.test },
    ]);
}
