// node fftk.mjs FROM OUT EPOCHS [LR=2e-3] [BATCH=8] [SEED=0]: Fully Fine-Tuned with a training budget
// matched to a searched pipeline: SFT of model FROM on the quickstart's 3,000-example mix for EPOCHS
// epochs in one run (the study's SFT action is one epoch at lr 2e-3, batch 8, per trial).
import { readFileSync } from 'node:fs';
import { sft, TinyLM } from './lib.mjs';
const [from, out, epochs, lr = '2e-3', batch = '8', seed = '0'] = process.argv.slice(2);
const all = readFileSync('../../../examples/quickstart/world/data/sft/all.jsonl', 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l));
const model = await TinyLM.load(from);
const t0 = Date.now();
const m = await sft(model, all, { learningRate: Number(lr), epochs: Number(epochs), batchSize: Number(batch), seed: Number(seed) });
console.log('fft from', from, 'epochs', epochs, m.steps, 'steps, loss', m.finalLoss.toFixed(3), 'in', ((Date.now() - t0) / 1000).toFixed(0), 's');
await model.save(out);
