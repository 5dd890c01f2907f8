// node interp.mjs [n=300] [t=0.5]: linear interpolation base <-> each shipped specialist at t (weight t on the
// specialist), scored on the first n validation items of arith, mc, rc. Sanity check: is the skill kept half way?
import { rmSync } from 'node:fs';
import { mergeCheckpoints } from '@lamdagent/action-ties';
import { acc, TinyLM, drawSplits } from '../lib.mjs';
const [n = '300', t = '0.5'] = process.argv.slice(2);
const BASE = new URL('../../assets/base-model', import.meta.url).pathname;
const SPEC = new URL('../../assets/specialists/', import.meta.url).pathname;
const tmp = '/tmp/merge-interp';
for (const skill of ['arith', 'mc', 'rc']) {
  rmSync(tmp, { recursive: true, force: true });
  const w = Number(t);
  await mergeCheckpoints({
    merge: { method: 'linear', weights: [1 - w, w] },
    base: BASE,
    models: [BASE, `${SPEC}${skill}-specialist`],
    outputDir: tmp,
    threads: 0,
  });
  const m = await TinyLM.load(tmp);
  const row = {};
  for (const task of ['arith', 'mc', 'rc']) {
    const items = drawSplits(task, 0, { trainSize: 1, valSize: 1000, testSize: 1000 }).validation.slice(0, Number(n));
    row[task] = (await acc(m, task, items)).acc.toFixed(3);
  }
  m.dispose();
  console.log(`lin(base, ${skill}-specialist) at ${t}:`, JSON.stringify(row));
}
rmSync(tmp, { recursive: true, force: true });
