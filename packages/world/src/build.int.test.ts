import { generate, TinyLM } from '@lamdagent/tinylm';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWorld, type WorldBuild } from './build.js';
import { WORLD_TASKS } from './skills/index.js';
import type { EvalItem, WorldTaskName } from './types.js';

/** Minimal scorers (the real ones live in @lamdagent/eval-suites, which this package does not depend on). */
function correct(task: WorldTaskName, prediction: string, item: EvalItem): boolean {
  const golds = Array.isArray(item.answer) ? item.answer : [item.answer];
  switch (WORLD_TASKS[task].scorer) {
    case 'numeric':
      return golds.includes((prediction.match(/\d+/g) ?? []).at(-1) ?? '');
    case 'choice':
      return golds.includes([...prediction.matchAll(/\[\[([A-Z])\]\]/g)].at(-1)?.[1] ?? '');
    case 'exact':
      return golds.some((g) => g.toLowerCase() === prediction.trim().replace(/[.,]$/, '').toLowerCase());
  }
}

async function accuracy(modelDir: string, task: WorldTaskName, file: string): Promise<number> {
  const items = (await readFile(file, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as EvalItem);
  const model = await TinyLM.load(modelDir);
  try {
    const outs = await generate(
      model,
      items.map((i) => i.prompt),
      { maxNewTokens: WORLD_TASKS[task].maxNewTokens, stop: ['\n'] },
    );
    return outs.filter((o, k) => correct(task, o, items[k] as EvalItem)).length / items.length;
  } finally {
    model.dispose();
  }
}

const OPTIONS = {
  seed: 11,
  trainSize: Number(process.env.WORLD_TEST_TRAIN ?? 600),
  valSize: 60,
  testSize: 5,
  skills: ['rc' as const],
  sft: { epochs: Number(process.env.WORLD_TEST_EPOCHS ?? 3) },
};

describe('buildWorld (real training)', () => {
  let dir: string;
  let first: WorldBuild;
  let firstMs: number;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'world-build-'));
    const t = Date.now();
    first = await buildWorld(dir, OPTIONS);
    firstMs = Date.now() - t;
  }, 120_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('trains a specialist that gains its skill (and not another)', async () => {
    expect(first.built).toEqual(['data', 'base', 'rc-specialist']);
    const spec = first.specialists.rc ?? '';
    const baseRc = await accuracy(first.baseModel, 'rc', first.data.eval.rc.validation);
    const specRc = await accuracy(spec, 'rc', first.data.eval.rc.validation);
    const specMc = await accuracy(spec, 'mc', first.data.eval.mc.validation);
    expect(baseRc).toBeLessThanOrEqual(0.05);
    expect(specRc).toBeGreaterThanOrEqual(baseRc + 0.25);
    expect(specMc).toBeLessThan(0.1);
    expect(first.metrics.rc?.finalLoss).toBeLessThan(first.metrics.rc?.initialLoss ?? 0);
  });

  it('reuses every step on a second call with the same options', async () => {
    const t = Date.now();
    const again = await buildWorld(dir, OPTIONS);
    expect(again.built).toEqual([]);
    expect(again.reused).toEqual(['data', 'base', 'rc-specialist']);
    expect(again.digest).toBe(first.digest);
    expect(again.metrics).toEqual(first.metrics);
    expect(Date.now() - t).toBeLessThan(firstMs / 4);
  });
});

describe('buildWorld caching', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'world-cache-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('redoes only the steps whose inputs changed', async () => {
    const small = { seed: 2, trainSize: 16, valSize: 4, testSize: 4, skills: ['arith' as const], sft: { epochs: 1, batchSize: 8 } };
    const a = await buildWorld(dir, small);
    expect(a.built).toEqual(['data', 'base', 'arith-specialist']);
    const b = await buildWorld(dir, { ...small, sft: { epochs: 1, batchSize: 16 } });
    expect(b.built).toEqual(['arith-specialist']);
    expect(b.reused).toEqual(['data', 'base']);
    expect(b.digest).not.toBe(a.digest);
    const c = await buildWorld(dir, { ...small, skills: ['arith', 'mc'], sft: { epochs: 1, batchSize: 16 } });
    expect(c.built).toEqual(['mc-specialist']);
    expect(Object.keys(c.specialists).sort()).toEqual(['arith', 'mc']);
    const d = await buildWorld(dir, { ...small, seed: 3, sft: { epochs: 1, batchSize: 16 } });
    expect(d.built).toEqual(['data', 'arith-specialist']);
    const manifest = JSON.parse(await readFile(join(dir, 'world.json'), 'utf8')) as { digest: string; steps: Record<string, unknown> };
    expect(manifest.digest).toBe(d.digest);
    expect(Object.keys(manifest.steps).sort()).toEqual(['arith-specialist', 'base', 'data']);
  });

  it('names a bad option and a missing base model', async () => {
    await expect(buildWorld(dir, { seed: 1, skills: [] })).rejects.toThrow(/buildWorld options: skills/);
    await expect(buildWorld(dir, { seed: 1, baseModel: join(dir, 'nope') })).rejects.toThrow(/no base model at .*nope/);
  });
});
