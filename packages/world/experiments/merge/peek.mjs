// node peek.mjs MODEL [k=6]: the first k validation completions of arith, mc, rc (to see what a merge answers).
import { acc, TinyLM, drawSplits } from '../lib.mjs';
const [dir, k = '6'] = process.argv.slice(2);
const m = await TinyLM.load(dir);
for (const t of ['arith', 'mc', 'rc']) {
  const items = drawSplits(t, 0, { trainSize: 1, valSize: 1000, testSize: 1000 }).validation.slice(0, Number(k));
  const { outs } = await acc(m, t, items);
  items.forEach((i, j) => console.log(t, JSON.stringify(i.prompt.slice(-40)), '->', JSON.stringify(outs[j]), 'gold', JSON.stringify(i.answer)));
}
