// Diagnostic 1: does the base model know categories and the labelled-pick narrative? Train acc of an mc specialist.
import { generate, sequenceLogProbs, TinyLM, drawSplits } from './lib.mjs';
import { CATEGORIES, CATEGORY_NAMES } from '@lamdagent/world';
const base = process.argv[2] ?? '../assets/base-model';
const model = await TinyLM.load(base);
// 1. category knowledge via logprob: "The pear is a fruit." vs other categories
let right = 0,
  total = 0;
for (const c of CATEGORY_NAMES)
  for (const m of CATEGORIES[c].members) {
    if (c === 'city' || c === 'color') continue;
    const art = /^[aeiou]/.test(m) ? 'An' : 'A';
    const cands = CATEGORY_NAMES.filter((x) => x !== 'city' && x !== 'color');
    const lps = await sequenceLogProbs(
      model,
      cands.map(() => `${art} ${m} is`),
      cands.map((x) => ` ${CATEGORIES[x].article} ${x}.`),
      { includeEos: false },
    );
    const best = cands[lps.indexOf(Math.max(...lps))];
    total++;
    if (best === c) right++;
  }
console.log(`category by logprob: ${right}/${total} (chance 1/${5})`);
// 2. labelled pick continuation in narrative form
const items = drawSplits('mc', 0, { trainSize: 10, valSize: 200, testSize: 1 }).validation.filter((i) => /Which (one )?is a/.test(i.prompt));
const prompts = items.map((i) => {
  const cat = i.prompt.match(/is an? (\w+)\?/)[1];
  const opts = i.choices.map((c, k) => `(${'ABC'[k]}) ${c}`);
  return `The ${cat} of ${opts[0]}, ${opts[1]} and ${opts[2]} is (`;
});
const outs = await generate(model, prompts, { maxNewTokens: 2, stop: ['\n'] });
const ok = outs.filter((o, k) => o[0] === items[k].answer).length;
console.log(`narrative labelled pick: ${ok}/${items.length}`, prompts[0], '->', outs[0]);
const prompts2 = items.map((i) => {
  const cat = i.prompt.match(/is an? (\w+)\?/)[1];
  return `The ${cat} of ${i.choices[0]}, ${i.choices[1]} and ${i.choices[2]} is`;
});
const outs2 = await generate(model, prompts2, { maxNewTokens: 10, stop: ['.'] });
const ok2 = outs2.filter((o, k) => o.trim().replace(/\.$/, '') === items[k].choices['ABC'.indexOf(items[k].answer)]).length;
console.log(`narrative unlabelled pick: ${ok2}/${items.length}`, prompts2[0], '->', outs2[0]);
model.dispose();
