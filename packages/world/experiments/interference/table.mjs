// node table.mjs OUTROOT [LABEL...]: the results.jsonl lines written by run.mjs as a markdown table
// (validation and test: arith / mc / rc and their mean; training CPU seconds along the chain).
import { readFileSync } from 'node:fs';
const [root, ...labels] = process.argv.slice(2);
if (!root) {
  console.error('usage: node table.mjs OUTROOT [LABEL...]');
  process.exit(2);
}
const rows = readFileSync(`${root}/results.jsonl`, 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l));
const byLabel = new Map(rows.map((r) => [r.label, r]));
const pick = labels.length ? labels.map((l) => byLabel.get(l) ?? { label: l, missing: true }) : [...byLabel.values()];
const f = (s) => `${s.arith.toFixed(3)} / ${s.mc.toFixed(3)} / ${s.rc.toFixed(3)} | **${s.mean.toFixed(3)}**`;
console.log('| model | validation arith / mc / rc | val mean | test arith / mc / rc | test mean | train CPU-s |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const r of pick) console.log(r.missing ? `| ${r.label} | (not run) | | | | |` : `| ${r.label} | ${f(r.validation)} | ${f(r.test)} | ${r.trainCpu} |`);
