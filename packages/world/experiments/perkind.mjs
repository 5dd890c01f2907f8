import { acc, TinyLM, drawSplits } from './lib.mjs';
const model = await TinyLM.load(process.argv[2]);
const items = drawSplits('mc', 42, { trainSize: 1, valSize: 300, testSize: 1 }).validation;
const { outs } = await acc(model, 'mc', items);
const kind = (p) => (/even|odd/.test(p) ? 'parity' : /largest/.test(p) ? 'largest' : 'category');
const s = {};
items.forEach((it, k) => {
  const K = kind(it.prompt);
  s[K] ??= [0, 0];
  s[K][1]++;
  if ([...outs[k].matchAll(/\[\[([A-Z])\]\]/g)].at(-1)?.[1] === it.answer) s[K][0]++;
});
console.log(JSON.stringify(s));
for (let k = 0; k < 6; k++) console.log(items[k].prompt, '=>', outs[k], '| gold', items[k].answer);
