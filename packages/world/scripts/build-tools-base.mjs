#!/usr/bin/env node
/**
 * Builds the tools world's shipped instruction-tuned base model (assets/tools-instruct/): SFT of the
 * world's shipped pretrained base (assets/base-model/) on the instruction family and JSON records.
 *
 *   cd packages/world && npx tsup && node scripts/build-tools-base.mjs [--seed 0] [--out dir] [--check]
 *
 * Every other setting is the default of InstructBaseOptionsSchema (src/tools/instruct-base.ts), so the
 * command and the seed are the whole recipe. `--check` rebuilds into a temporary folder and compares
 * the bytes of model.safetensors with the shipped file (exit 1 when they differ).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SHIPPED_TOOLS_BASE_MODEL, trainInstructBase } from '../dist/index.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '0' },
    out: { type: 'string' },
    check: { type: 'boolean', default: false },
  },
});
const sha = (dir) =>
  createHash('sha256')
    .update(readFileSync(join(dir, 'model.safetensors')))
    .digest('hex');
const scratch = values.check ? mkdtempSync(join(tmpdir(), 'tools-base-check-')) : undefined;
const out = scratch ? join(scratch, 'model') : (values.out ?? SHIPPED_TOOLS_BASE_MODEL);
const started = Date.now();
const report = await trainInstructBase(
  out,
  { seed: Number(values.seed) },
  {
    onProgress: (p) => {
      if (p.step % 50 === 0 || p.step === p.totalSteps) {
        const s = ((Date.now() - started) / 1000).toFixed(0);
        process.stderr.write(`step ${p.step}/${p.totalSteps} loss ${p.loss.toFixed(3)} ${Math.round(p.tokensPerSecond)} tok/s ${s} s\n`);
      }
    },
  },
);
console.log(JSON.stringify(report, null, 2));
if (scratch) {
  const [rebuilt, shipped] = [sha(out), sha(SHIPPED_TOOLS_BASE_MODEL)];
  rmSync(scratch, { recursive: true, force: true });
  console.log(`rebuilt ${rebuilt}\nshipped ${shipped}\n${rebuilt === shipped ? 'identical' : 'DIFFERENT'}`);
  process.exit(rebuilt === shipped ? 0 : 1);
}
console.log(`wrote ${out} (model.safetensors sha256 ${sha(out)})`);
