// Train a specialist epoch by epoch (constant LR), print train/val accuracy after each epoch.
// node spec.mjs --base DIR --skill mc --epochs 10 --lr 1e-3 --batch 8 --train 1000 --eval 200 [--mode label|word] [--save DIR]
import { parseArgs } from 'node:util';
import { acc, sft, TinyLM, drawSplits, completionFor } from './lib.mjs';
const { values: v } = parseArgs({
  options: {
    base: { type: 'string', default: '../assets/base-model' },
    skill: { type: 'string', default: 'mc' },
    epochs: { type: 'string', default: '10' },
    lr: { type: 'string', default: '1e-3' },
    batch: { type: 'string', default: '8' },
    train: { type: 'string', default: '1000' },
    eval: { type: 'string', default: '200' },
    schedule: { type: 'string', default: 'constant' },
    every: { type: 'string', default: '1' },
    save: { type: 'string' },
    mode: { type: 'string', default: 'label' },
    seed: { type: 'string', default: '42' },
  },
});
const skill = v.skill;
const n = Number(v.train);
const ne = Number(v.eval);
const sp = drawSplits(skill, Number(v.seed), { trainSize: n, valSize: ne, testSize: 1 });
const ood = drawSplits(skill + '_ood', Number(v.seed), { trainSize: 1, valSize: ne, testSize: 1 });
const word = (i) => i.choices['ABC'.indexOf(i.answer)];
const ex = sp.train.map((i) => ({ prompt: i.prompt, completion: v.mode === 'word' ? ` ${word(i)} [[${i.answer}]]` : completionFor(skill, i.answer) }));
const model = await TinyLM.load(v.base);
const E = Number(v.epochs),
  every = Number(v.every);
const t0 = Date.now();
let trainSec = 0;
for (let e = 1; e <= E; e++) {
  const lr = v.schedule === 'constant' ? Number(v.lr) : Number(v.lr) * (1 - (e - 1) / E);
  const m = await sft(model, ex, { learningRate: lr, epochs: 1, batchSize: Number(v.batch), seed: e * 7 + 1, schedule: 'constant' });
  trainSec += m.seconds;
  if (e % every === 0 || e === E) {
    const tr = await acc(model, skill, sp.train.slice(0, ne));
    const va = await acc(model, skill, sp.validation);
    const oo = await acc(model, skill + '_ood', ood.validation);
    console.log(
      `epoch ${e} loss ${m.finalLoss.toFixed(3)} train ${tr.acc.toFixed(3)} val ${va.acc.toFixed(3)} ood ${oo.acc.toFixed(3)} trainSec ${trainSec.toFixed(0)} wall ${((Date.now() - t0) / 1000).toFixed(0)}`,
    );
  }
}
if (v.save) await model.save(v.save);
