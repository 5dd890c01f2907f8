import { gradeJudge, scoreToolCall } from '@lamdagent/eval-suites';
import { generate, sft, TinyLM } from '@lamdagent/tinylm';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateToolsData, type ToolsDataManifest } from './data.js';
import { SHIPPED_TOOLS_BASE_MODEL } from './instruct-base.js';

/**
 * The tools world's point, measured on the shipped instruction-tuned base: naive SFT on all the data
 * damages instruction following (the judge's grade falls by more than any evaluation noise), while a
 * pipeline keeps it and gains tool use. Settings are the example study's (lr 1e-3, one epoch, batch 8).
 */
const N = 200;
const lines = async (file: string) =>
  (await readFile(file, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { prompt: string; completion: string; chosen: string; rejected: string; answer: string | string[] });

async function measure(model: TinyLM, data: ToolsDataManifest): Promise<{ grades: number[]; tool: number }> {
  const inst = (await lines(data.eval.instruct.test)).slice(0, N);
  const tools = (await lines(data.eval.tool_call.test)).slice(0, N);
  const ip = await generate(
    model,
    inst.map((x) => x.prompt),
    { maxNewTokens: 40, stop: ['\n'] },
  );
  const tp = await generate(
    model,
    tools.map((x) => x.prompt),
    { maxNewTokens: 64, stop: ['\n'] },
  );
  return { grades: inst.map((x, i) => gradeJudge(ip[i] ?? '', x.answer)), tool: tools.filter((x, i) => scoreToolCall(tp[i] ?? '', x.answer)).length / N };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
/** Mean and standard error of the paired differences a - b. */
function paired(a: number[], b: number[]): { diff: number; se: number } {
  const d = a.map((x, i) => x - (b[i] ?? 0));
  const m = mean(d);
  const sd = Math.sqrt(d.reduce((s, x) => s + (x - m) ** 2, 0) / (d.length - 1));
  return { diff: m, se: sd / Math.sqrt(d.length) };
}

describe('the tools world: forgetting under naive SFT, and a pipeline that avoids it', () => {
  let dir: string;
  let data: ToolsDataManifest;
  let base: { grades: number[]; tool: number };
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tools-forget-'));
    data = await generateToolsData(join(dir, 'data'), { seed: 0 });
    const model = await TinyLM.load(SHIPPED_TOOLS_BASE_MODEL);
    base = await measure(model, data);
    model.dispose();
  }, 300_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('the base follows instructions and makes no tool calls', () => {
    expect(mean(base.grades)).toBeGreaterThan(7);
    expect(base.tool).toBeLessThan(0.02);
  });

  it('naive SFT on all the data lowers the judge grade by far more than the noise', async () => {
    const model = await TinyLM.load(SHIPPED_TOOLS_BASE_MODEL);
    await sft(model, await lines(data.sft.all ?? ''), { learningRate: 1e-3, epochs: 1, batchSize: 8, seed: 0 });
    const after = await measure(model, data);
    model.dispose();
    const { diff, se } = paired(base.grades, after.grades);
    console.log(
      `judge: base ${mean(base.grades).toFixed(2)}, after SFT(all) ${mean(after.grades).toFixed(2)}, drop ${diff.toFixed(2)} ± ${(1.96 * se).toFixed(2)}; tool ${after.tool}`,
    );
    // A drop of at least 1 point, with the 99.99 % lower bound (4 standard errors) above 1 point.
    expect(diff - 4 * se).toBeGreaterThan(1);
  }, 600_000);
});
