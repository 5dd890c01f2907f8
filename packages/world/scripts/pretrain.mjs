#!/usr/bin/env node
/**
 * Pretrains the shipped base model of the embedded world from scratch and writes it to
 * assets/base-model/ (Hugging Face layout, plus pretrain.json with the settings and losses).
 *
 *   cd packages/world && npx tsup && (cd ../tinylm && npx tsup) && node scripts/pretrain.mjs [--seed 0] [--out dir]
 *
 * Every other setting is the default of PretrainOptionsSchema (src/pretrain.ts), so the command
 * and the seed are the whole recipe.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { pretrainBaseModel } from '../dist/index.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '0' },
    out: { type: 'string', default: fileURLToPath(new URL('../assets/base-model/', import.meta.url)) },
  },
});

const started = Date.now();
const report = await pretrainBaseModel(
  values.out,
  { seed: Number(values.seed) },
  {
    onProgress: (p) => {
      if (p.step % 50 === 0 || p.step === p.totalSteps) {
        const s = ((Date.now() - started) / 1000).toFixed(0);
        process.stderr.write(
          `step ${p.step}/${p.totalSteps} loss ${p.loss.toFixed(3)} lr ${p.learningRate.toExponential(2)} ${Math.round(p.tokensPerSecond)} tok/s ${s} s\n`,
        );
      }
    },
  },
);
console.log(JSON.stringify(report, null, 2));
console.log(`wrote ${values.out}`);
