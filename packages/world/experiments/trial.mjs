// node trial.mjs BASE OUT [lr=2e-3] [epochs=1]: SFT on the all-skills mix (3k, seed 0 world) like a study trial.
import { sft, TinyLM, drawSplits, completionFor } from './lib.mjs';
import { Rng } from '@lamdagent/core/kit';
const [base, out, lr = '2e-3', epochs = '1'] = process.argv.slice(2);
const ex = [];
for (const s of ['arith', 'mc', 'rc'])
  for (const i of drawSplits(s, 0, { trainSize: 1000, valSize: 1000, testSize: 1000 }).train)
    ex.push({ prompt: i.prompt, completion: completionFor(s, i.answer) });
const model = await TinyLM.load(base);
const c0 = process.cpuUsage();
const m = await sft(model, new Rng(3).shuffle(ex), { learningRate: Number(lr), epochs: Number(epochs), batchSize: 8, seed: 1 });
const c = process.cpuUsage(c0);
console.log(
  'trial',
  m.steps,
  'steps',
  m.tokens,
  'tokens, loss',
  m.initialLoss.toFixed(3),
  '->',
  m.finalLoss.toFixed(3),
  'sft seconds',
  m.seconds.toFixed(1),
  'cpu',
  ((c.user + c.system) / 1e6).toFixed(1),
);
await model.save(out);
