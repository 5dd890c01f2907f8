#!/usr/bin/env node
/**
 * Probes the tools world outside a study: trains pipelines of SFT / DPO steps from a base model and
 * prints each one's tool_call accuracy and mean judge grade on the validation split.
 *
 *   cd packages/world && npx tsup && node scripts/tools-probe.mjs [--base DIR] [--limit N] [--warmup F] PIPELINE...
 *
 * A PIPELINE is comma-separated steps (scripts/pipeline.mjs): `sft:<dataset>@<lr>x<epochs>` (sft/<dataset>.jsonl,
 * batch 8), `dpo:<pairs>@<lr>` (preference/<pairs>.jsonl, beta 0.1, batch 8), `ties:<w>` / `lin:<w>` (merge with
 * the base) or `save:<dir>`, e.g. `sft:tool-json@1e-3x1,dpo:instruct@1e-3`.
 * Data: generateToolsData(seed 0) in a temporary folder. Default base: the shipped instruction-tuned model.
 */
import { TinyLM } from '@lamdagent/tinylm';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateToolsData, SHIPPED_TOOLS_BASE_MODEL } from '../dist/index.js';
import { runPipeline, scoreTools } from './pipeline.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { base: { type: 'string' }, limit: { type: 'string', default: '300' }, warmup: { type: 'string', default: '0' } },
});
const tmp = mkdtempSync(join(tmpdir(), 'tools-probe-'));
const data = await generateToolsData(join(tmp, 'data'), { seed: 0 });
const read = (file) =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
const limit = Number(values.limit);
const tools = read(data.eval.tool_call.validation).slice(0, limit);
const inst = read(data.eval.instruct.validation).slice(0, limit);

async function measure(model) {
  const { tool, judge } = await scoreTools(model, tools, inst);
  return { tool, judge, reward: tool + judge / 10 };
}

for (const pipeline of positionals.length ? positionals : ['']) {
  const baseDir = values.base ?? SHIPPED_TOOLS_BASE_MODEL;
  const { model, seconds } = await runPipeline(await TinyLM.load(baseDir), pipeline, {
    sftRows: (name) => read(data.sft[name]),
    preferenceRows: (name) => read(data.preference[name]),
    warmup: Number(values.warmup),
    baseDir,
    tmp,
  });
  const r = await measure(model);
  console.log(
    `${(pipeline || 'base').padEnd(44)} tool_call ${r.tool.toFixed(3)}  judge ${r.judge.toFixed(2)}  reward ${r.reward.toFixed(3)}  train ${seconds.toFixed(1)} s`,
  );
  model.dispose();
}
rmSync(tmp, { recursive: true, force: true });
