// node fft.mjs SEED OUT: Fully Fine-Tuned as examples/quickstart computes it (SFT from the base on the
// 3,000-example mix of the seed-0 world, 3 epochs, lr 3e-3, batch 32), with another training seed.
import { readFileSync } from 'node:fs';
import { sft, TinyLM } from './lib.mjs';
const [seed, out] = process.argv.slice(2);
const all = readFileSync('../../../examples/quickstart/world/data/sft/all.jsonl', 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l));
const model = await TinyLM.load('../assets/base-model');
const m = await sft(model, all, { learningRate: 3e-3, epochs: 3, batchSize: 32, seed: Number(seed) });
console.log('fft seed', seed, m.steps, 'steps, loss', m.finalLoss.toFixed(3));
await model.save(out);
