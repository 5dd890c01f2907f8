#!/usr/bin/env node
/**
 * Probes the tools world outside a study: trains pipelines of SFT / DPO steps from a base model and
 * prints each one's tool_call accuracy and mean judge grade on the validation split.
 *
 *   cd packages/world && npx tsup && node scripts/tools-probe.mjs [--base DIR] [--limit N] [--warmup F] PIPELINE...
 *
 * A PIPELINE is comma-separated steps: `sft:<dataset>@<lr>x<epochs>` (sft/<dataset>.jsonl, batch 8) or
 * `dpo:<pairs>@<lr>` (preference/<pairs>.jsonl, beta 0.1, batch 8), e.g. `sft:tool-json@1e-3x1,dpo:instruct@1e-3`.
 * Data: generateToolsData(seed 0) in a temporary folder. Default base: the shipped instruction-tuned model.
 */
import { gradeJudge, scoreToolCall } from '@lamdagent/eval-suites';
import { dpo, generate, sft, TinyLM } from '@lamdagent/tinylm';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateToolsData, SHIPPED_TOOLS_BASE_MODEL } from '../dist/index.js';

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
  const tp = await generate(
    model,
    tools.map((x) => x.prompt),
    { maxNewTokens: 64, stop: ['\n'] },
  );
  const ip = await generate(
    model,
    inst.map((x) => x.prompt),
    { maxNewTokens: 40, stop: ['\n'] },
  );
  const tool = tools.filter((x, i) => scoreToolCall(tp[i], x.answer)).length / tools.length;
  const judge = inst.reduce((s, x, i) => s + gradeJudge(ip[i], x.answer), 0) / inst.length;
  return { tool, judge, reward: tool + judge / 10 };
}

for (const pipeline of positionals.length ? positionals : ['']) {
  const model = await TinyLM.load(values.base ?? SHIPPED_TOOLS_BASE_MODEL);
  let seconds = 0;
  for (const step of pipeline.split(',').filter(Boolean)) {
    const [kind, spec] = step.split(':');
    const [name, hp = ''] = spec.split('@');
    const [lr, epochs] = hp.split('x');
    if (kind === 'sft') {
      const m = await sft(model, read(data.sft[name]), {
        learningRate: Number(lr || 1e-3),
        epochs: Number(epochs || 1),
        batchSize: 8,
        seed: 1,
        warmup: Number(values.warmup),
      });
      seconds += m.seconds;
    } else if (kind === 'dpo') {
      const reference = model.clone();
      const m = await dpo(model, reference, read(data.preference[name]), { learningRate: Number(lr || 1e-3), epochs: 1, batchSize: 8, seed: 1, beta: 0.1 });
      reference.dispose();
      seconds += m.seconds;
    } else throw new Error(`unknown step ${step} (sft:... or dpo:...)`);
  }
  const r = await measure(model);
  console.log(
    `${(pipeline || 'base').padEnd(44)} tool_call ${r.tool.toFixed(3)}  judge ${r.judge.toFixed(2)}  reward ${r.reward.toFixed(3)}  train ${seconds.toFixed(1)} s`,
  );
  model.dispose();
}
rmSync(tmp, { recursive: true, force: true });
