import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { JobSpec } from '@lamdagent/core';
import { initBackend, TinyLM } from '@lamdagent/tinylm';
import { describe, expect, it } from 'vitest';
import plugin, { dpoActionType, tinyDpoRunner } from './index.js';

describe('dpo-tiny runner', () => {
  it('raises the chosen-over-rejected margin and preference accuracy through a job spec', async () => {
    await initBackend();
    const dir = mkdtempSync(path.join(tmpdir(), 'dpo-'));
    const base = await TinyLM.init({}, 2);
    await base.save(path.join(dir, 'base'));
    base.dispose();
    const pairs = Array.from({ length: 200 }, (_, i) => {
      const a = i % 10;
      const b = (i * 3 + 1) % 10;
      return { prompt: `${a}+${b}=`, chosen: ` ${a + b}`, rejected: ` ${(a + b + 3) % 19}` };
    });
    writeFileSync(path.join(dir, 'pref.jsonl'), pairs.map((p) => JSON.stringify(p)).join('\n'));
    const spec: JobSpec = {
      schemaVersion: 1,
      jobId: 't0',
      actionKey: 'k',
      action: 'dpo',
      actionType: 'dpo',
      runner: 'dpo-tiny',
      runnerVersion: '1',
      inputs: [
        { slot: 'model', id: 'm', name: 'base', type: 'model', value: path.join(dir, 'base'), digest: 'x' },
        { slot: 'dataset', id: 'd', name: 'pref', type: 'dataset', value: path.join(dir, 'pref.jsonl'), digest: 'x' },
        { slot: 'learning_rate', id: 'l', name: '2e-3', type: 'number', value: 2e-3, digest: 'x' },
        { slot: 'beta', id: 'b', name: '0.1', type: 'number', value: 0.1, digest: 'x' },
      ],
      params: dpoActionType.paramsSchema!.parse({ epochs: 3, batchSize: 32 }),
      outputDir: path.join(dir, 'out'),
      jobDir: path.join(dir, 'job'),
      seed: 5,
      resources: { gpus: 0, cpus: 1 },
      plugins: [],
      smoke: false,
    };
    const out = await tinyDpoRunner.run(spec, { signal: new AbortController().signal, log: () => undefined, progress: () => undefined });
    const m = out.metrics!;
    expect(existsSync(path.join(dir, 'out', 'model.safetensors'))).toBe(true);
    expect(m['marginBefore']).toBeCloseTo(0, 6);
    expect(m['marginAfter']!).toBeGreaterThan(0.1);
    expect(m['preferenceAccuracyAfter']!).toBeGreaterThan(m['preferenceAccuracyBefore']! + 0.2);
  }, 180_000);

  it('declares model, dataset, learning rate and beta slots', () => {
    expect(dpoActionType.slots.map((s) => s.name)).toEqual(['model', 'dataset', 'learning_rate', 'beta']);
    expect(plugin.provides).toEqual({ actionTypes: ['dpo'], runners: ['dpo-tiny'] });
  });
});
