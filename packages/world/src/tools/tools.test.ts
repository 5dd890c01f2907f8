import { Rng } from '@lamdagent/core/kit';
import { gradeJudge, scoreToolCall } from '@lamdagent/eval-suites';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toolItem, type ToolStyle } from './calls.js';
import { generateToolsData, readToolsManifest, TOOL_DATASET_NAMES, type ToolsDataManifest } from './data.js';
import { callJson, callPython, signature, toolFunction } from './functions.js';
import { generalItem, instructionItem, styled } from './instructions.js';

const lines = async (file: string) =>
  (await readFile(file, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('tools world generators', () => {
  it('renders signatures and calls in each syntax', () => {
    const buy = toolFunction('buy');
    expect(signature(buy)).toBe('buy(item,n:int)');
    expect(callJson({ fn: buy, values: ['pens', 3] })).toBe('{"name":"buy","args":{"item":"pens","n":3}}');
    expect(callPython({ fn: buy, values: ['pens', 3] })).toBe('buy(item="pens", n=3)');
    expect(styled(['Ann', 'likes', 'tea'], ['caps', 'brackets', 'pig'])).toBe('[ANNAY LIKESAY TEAAY]');
  });

  it("every instruction reply gets the judge's 10, and each wrong reply less", () => {
    const rng = new Rng(7);
    for (let i = 0; i < 400; i++) {
      const item = instructionItem(rng);
      expect(gradeJudge(item.reply, item.rubric), `${item.prompt} -> ${item.reply}`).toBe(10);
      for (const w of item.wrong) expect(gradeJudge(w, item.rubric), `${item.prompt} -> ${w}`).toBeLessThan(10);
    }
  });

  it("the target gold is the toolcall scorer's right answer; other styles' replies are not", () => {
    const rng = new Rng(3);
    for (const style of ['target', 'json', 'python', 'react', 'agent'] as ToolStyle[]) {
      for (let i = 0; i < 100; i++) {
        const item = toolItem(style, rng);
        expect(scoreToolCall(item.call, item.call)).toBe(true);
        expect(scoreToolCall(item.reply, item.call)).toBe(style === 'target' || style === 'json' || style === 'agent');
        for (const w of item.wrong) expect(scoreToolCall(w, item.call), `${item.prompt} -> ${w}`).toBe(false);
      }
    }
  });

  it('general instructions are plain answers', () => {
    const g = generalItem(new Rng(1));
    expect(g.prompt).toMatch(/^I: .* A:$/);
    expect(g.reply).toMatch(/\.$/);
  });
});

describe('generateToolsData', () => {
  let dir: string;
  let data: ToolsDataManifest;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tools-data-'));
    data = await generateToolsData(join(dir, 'a'), { seed: 5, toolTrainSize: 200, instructTrainSize: 300, preferenceSize: 100, valSize: 100, testSize: 150 });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('writes every file with the requested counts', () => {
    expect(data.counts['eval/tool_call/test.jsonl']).toBe(150);
    expect(data.counts['eval/instruct/validation.jsonl']).toBe(100);
    for (const n of TOOL_DATASET_NAMES) expect(data.counts[`sft/${n}.jsonl`]).toBe(200);
    expect(data.counts['sft/all.jsonl']).toBe(800);
    expect(data.counts['preference/instruct.jsonl']).toBe(100);
  });

  it('never repeats a prompt across splits and datasets', async () => {
    const files = [
      data.eval.tool_call.test,
      data.eval.tool_call.validation,
      data.eval.instruct.test,
      data.eval.instruct.validation,
      ...TOOL_DATASET_NAMES.map((n) => data.sft[n] ?? ''),
      data.sft.general ?? '',
      data.sft.instruct ?? '',
      data.preference.instruct ?? '',
      data.preference.tools ?? '',
    ];
    const seen = new Set<string>();
    let total = 0;
    for (const f of files) {
      for (const r of await lines(f)) {
        seen.add(String(r.prompt));
        total++;
      }
    }
    expect(seen.size).toBe(total);
  });

  it("fits the model's context: prompt plus reply within 126 characters", async () => {
    for (const f of [...Object.values(data.sft), ...Object.values(data.preference)]) {
      for (const r of await lines(f)) {
        const longest = Math.max(...['completion', 'chosen', 'rejected'].map((k) => String(r[k] ?? '').length));
        expect(String(r.prompt).length + longest, JSON.stringify(r)).toBeLessThanOrEqual(126);
      }
    }
    for (const r of await lines(data.eval.tool_call.test)) expect(String(r.prompt).length + 1 + String(r.answer).length).toBeLessThanOrEqual(126);
  });

  it('is deterministic: same seed, same bytes; the test split depends only on the seed and its size', async () => {
    const again = await generateToolsData(join(dir, 'b'), {
      seed: 5,
      toolTrainSize: 200,
      instructTrainSize: 300,
      preferenceSize: 100,
      valSize: 100,
      testSize: 150,
    });
    for (const key of Object.keys(data.counts)) {
      expect(await readFile(join(again.root, key), 'utf8'), key).toBe(await readFile(join(data.root, key), 'utf8'));
    }
    const bigger = await generateToolsData(join(dir, 'c'), { seed: 5, toolTrainSize: 50, valSize: 20, testSize: 150 });
    expect(await readFile(bigger.eval.tool_call.test, 'utf8')).toBe(await readFile(data.eval.tool_call.test, 'utf8'));
    const other = await generateToolsData(join(dir, 'd'), { seed: 6, toolTrainSize: 50, valSize: 20, testSize: 150 });
    expect(await readFile(other.eval.tool_call.test, 'utf8')).not.toBe(await readFile(data.eval.tool_call.test, 'utf8'));
  });

  it('names the bad option', async () => {
    await expect(generateToolsData(join(dir, 'e'), { seed: -1 })).rejects.toThrow(/generateToolsData options: seed/);
  });
});

describe('generateToolsData, the opt-in learnable design (toolMix, toolJsonListing)', () => {
  let dir: string;
  let plain: ToolsDataManifest;
  let mixed: ToolsDataManifest;
  const options = {
    seed: 5,
    toolTrainSize: 120,
    instructTrainSize: 200,
    recordTrainSize: 50,
    planTrainSize: 50,
    preferenceSize: 60,
    valSize: 80,
    testSize: 100,
  };
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tools-mix-'));
    plain = await generateToolsData(join(dir, 'plain'), options);
    mixed = await generateToolsData(join(dir, 'mixed'), { ...options, toolMix: true, toolJsonListing: 'two' });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('adds tool-mix (calls and instructions 1:1, in all) and lists two signatures in tool-json', async () => {
    expect(mixed.counts['sft/tool-mix.jsonl']).toBe(240);
    expect(mixed.counts['sft/all.jsonl']).toBe(4 * 120 + 240);
    expect(plain.sft['tool-mix']).toBeUndefined();
    const mix = await lines(mixed.sft['tool-mix'] ?? '');
    const calls = mix.filter((r) => String(r.prompt).startsWith('F: '));
    expect(calls).toHaveLength(120);
    expect(mix.filter((r) => String(r.prompt).startsWith('I: '))).toHaveLength(120);
    for (const r of calls) {
      expect(String(r.prompt)).toMatch(/^F: \w+\([^)]*\) \w+\([^)]*\) U: .* A:$/);
      expect(scoreToolCall(String(r.completion), String(r.completion).trim())).toBe(true);
    }
    for (const r of await lines(mixed.sft['tool-json'] ?? '')) expect(String(r.prompt)).toMatch(/^F: \w+\([^)]*\) \w+\([^)]*\) U: /);
    for (const r of await lines(plain.sft['tool-json'] ?? '')) expect(String(r.prompt)).toMatch(/^F: \w+\([^)]*\) U: /);
    const all = new Set((await lines(mixed.sft.all ?? '')).map((r) => String(r.prompt)));
    for (const r of mix) expect(all.has(String(r.prompt))).toBe(true);
  });

  it('keeps every other file byte for byte, and records the options only when given', async () => {
    for (const key of Object.keys(plain.counts)) {
      if (key === 'sft/all.jsonl' || key === 'sft/tool-json.jsonl') continue;
      expect(await readFile(join(mixed.root, key), 'utf8'), key).toBe(await readFile(join(plain.root, key), 'utf8'));
    }
    expect(JSON.parse(await readFile(join(plain.root, 'manifest.json'), 'utf8')).options).not.toHaveProperty('toolMix');
    expect((await readToolsManifest(mixed.root)).options).toMatchObject({ toolMix: true, toolJsonListing: 'two' });
    expect((await readToolsManifest(plain.root)).options.toolMix).toBeUndefined();
  });

  it('never puts an evaluation prompt (or any prompt twice) in the data, and is deterministic', async () => {
    const files = Object.keys(mixed.counts).filter((k) => k !== 'sft/all.jsonl'); // all repeats the datasets' prompts
    const seen = new Set<string>();
    let total = 0;
    for (const key of files) {
      for (const r of await lines(join(mixed.root, key))) {
        seen.add(String(r.prompt));
        total++;
      }
    }
    expect(seen.size).toBe(total);
    const again = await generateToolsData(join(dir, 'again'), { ...options, toolMix: true, toolJsonListing: 'two' });
    for (const key of Object.keys(mixed.counts)) expect(await readFile(join(again.root, key), 'utf8'), key).toBe(await readFile(join(mixed.root, key), 'utf8'));
  });

  it("toolMixWording 'target': the mixture's calls in the target's shape and words, no evaluation prompt among them", async () => {
    const target = await generateToolsData(join(dir, 'target'), { ...options, toolMix: true, toolMixWording: 'target' });
    expect(target.counts['sft/tool-mix.jsonl']).toBe(240);
    const evalPrompts = new Set(
      [...(await lines(target.eval.tool_call.test)), ...(await lines(target.eval.tool_call.validation))].map((r) => String(r.prompt)),
    );
    const calls = (await lines(target.sft['tool-mix'] ?? '')).filter((r) => String(r.prompt).startsWith('F: '));
    expect(calls).toHaveLength(120);
    // The target's requests ("Buy 3 pens.") differ from the other wording ("I need 3 pens."): compare with the 'other' mixture.
    const other = new Set((await lines(mixed.sft['tool-mix'] ?? '')).map((r) => String(r.prompt)));
    for (const r of calls) {
      expect(String(r.prompt)).toMatch(/^F: \w+\([^)]*\) \w+\([^)]*\) U: .* A:$/);
      expect(evalPrompts.has(String(r.prompt))).toBe(false);
      expect(other.has(String(r.prompt))).toBe(false);
    }
    // tool-json keeps its one signature when only the mixture is asked for.
    expect(await readFile(target.sft['tool-json'] ?? '', 'utf8')).toBe(await readFile(plain.sft['tool-json'] ?? '', 'utf8'));
  });

  it('names a bad option', async () => {
    await expect(generateToolsData(join(dir, 'bad'), { seed: 1, toolJsonListing: 'three' as 'two' })).rejects.toThrow(
      /generateToolsData options: toolJsonListing/,
    );
    await expect(generateToolsData(join(dir, 'bad'), { seed: 1, toolMixWording: 'mine' as 'target' })).rejects.toThrow(
      /generateToolsData options: toolMixWording/,
    );
  });
});
