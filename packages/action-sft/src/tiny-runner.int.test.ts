import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { JobSpec } from '@lamdagent/core';
import { generate, initBackend, TinyLM } from '@lamdagent/tinylm';
import { describe, expect, it } from 'vitest';
import plugin, { sftActionType, tinySftRunner } from './index.js';

/** A learnable toy skill: "a+b=" -> the sum, for single digits. */
function sums(n: number, offset = 0): { prompt: string; completion: string }[] {
  return Array.from({ length: n }, (_, i) => {
    const a = (i * 7 + offset) % 10;
    const b = (i * 3 + 1 + offset) % 10;
    return { prompt: `${a}+${b}=`, completion: ` ${a + b}` };
  });
}

describe('sft-tiny runner', () => {
  it('trains the tiny model through a job spec: the loss falls and the skill is learned', async () => {
    await initBackend();
    const dir = mkdtempSync(path.join(tmpdir(), 'sft-'));
    const base = await TinyLM.init({}, 1);
    await base.save(path.join(dir, 'base'));
    const train = sums(400);
    writeFileSync(path.join(dir, 'train.jsonl'), train.map((e) => JSON.stringify(e)).join('\n'));
    const spec: JobSpec = {
      schemaVersion: 1,
      jobId: 't0',
      actionKey: 'k',
      action: 'sft',
      actionType: 'sft',
      runner: 'sft-tiny',
      runnerVersion: '1',
      inputs: [
        { slot: 'model', id: 'm', name: 'base', type: 'model', value: path.join(dir, 'base'), digest: 'x' },
        { slot: 'dataset', id: 'd', name: 'sums', type: 'dataset', value: path.join(dir, 'train.jsonl'), digest: 'x' },
        { slot: 'learning_rate', id: 'l', name: '3e-3', type: 'number', value: 3e-3, digest: 'x' },
      ],
      params: sftActionType.paramsSchema!.parse({ epochs: 8, batchSize: 32 }),
      outputDir: path.join(dir, 'out'),
      jobDir: path.join(dir, 'job'),
      seed: 3,
      resources: { gpus: 0, cpus: 1 },
      plugins: [],
      smoke: false,
    };
    const progress: number[] = [];
    const out = await tinySftRunner.run(spec, { signal: new AbortController().signal, log: () => undefined, progress: (p) => progress.push(p.fraction ?? 0) });
    expect(existsSync(path.join(dir, 'out', 'model.safetensors'))).toBe(true);
    expect(out.metrics!['finalLoss']).toBeLessThan(out.metrics!['initialLoss']! * 0.5);
    expect(progress.at(-1)).toBeCloseTo(1, 5);
    const trained = await TinyLM.load(path.join(dir, 'out'));
    const prompts = train.slice(0, 40);
    const answers = await generate(
      trained,
      prompts.map((p) => p.prompt),
      { maxNewTokens: 4, stop: ['\n'] },
    );
    const correct = answers.filter((a, i) => a.trim() === prompts[i]!.completion.trim()).length;
    const baseAnswers = await generate(
      base,
      prompts.map((p) => p.prompt),
      { maxNewTokens: 4, stop: ['\n'] },
    );
    const baseCorrect = baseAnswers.filter((a, i) => a.trim() === prompts[i]!.completion.trim()).length;
    expect(correct).toBeGreaterThan(baseCorrect + 10);
    trained.dispose();
    base.dispose();
  }, 180_000);

  it("declares the paper's slots and a smoke run, and registers through its manifest", () => {
    expect(sftActionType.slots.map((s) => [s.name, s.type])).toEqual([
      ['model', 'model'],
      ['dataset', 'dataset'],
      ['learning_rate', 'number'],
    ]);
    expect(sftActionType.smoke?.params).toMatchObject({ maxSteps: 2 });
    expect(plugin.provides).toEqual({ actionTypes: ['sft'], runners: ['sft-tiny'] });
    expect(() => sftActionType.paramsSchema!.parse({ epoch: 1 })).toThrow(/Unrecognized key/);
  });
});
