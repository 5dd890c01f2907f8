import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { digestFolder } from '@lamdagent/core/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWorld, type WorldBuild } from './build.js';

// Small scale (16 training items per skill, 4 per skill in the primer, one epoch each): the code paths of the defaults.
const SMALL = { seed: 5, trainSize: 16, valSize: 4, testSize: 4, skills: ['rc' as const], sft: { epochs: 1 } };
const MERGEABLE = { primer: { perSkill: 4, epochs: 1 }, specialist: { epochs: 1 } };
const MODELS = ['primer', 'arith-light', 'mc-light', 'rc-light'];

describe('buildWorld mergeable (real training, small scale)', () => {
  let dir: string;
  let a: WorldBuild;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'world-mergeable-'));
    a = await buildWorld(join(dir, 'a'), { ...SMALL, mergeable: MERGEABLE });
  }, 120_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the primer and one light specialist per skill, as separate steps, and keeps the world digest', async () => {
    expect(a.built).toEqual(['data', 'base', 'rc-specialist', 'mergeable-primer', 'mergeable-arith', 'mergeable-mc', 'mergeable-rc']);
    expect(a.mergeable).toEqual({
      primer: join(dir, 'a', 'mergeable', 'models', 'primer'),
      specialists: Object.fromEntries(['arith', 'mc', 'rc'].map((s) => [s, join(dir, 'a', 'mergeable', 'models', `${s}-light`)])),
    });
    for (const m of MODELS) {
      for (const f of ['config.json', 'model.safetensors']) await access(join(dir, 'a', 'mergeable', 'models', m, f));
    }
    const manifest = JSON.parse(await readFile(join(dir, 'a', 'world.json'), 'utf8')) as { steps: Record<string, { metrics?: { steps: number } }> };
    // primer: 3 skills x 4 examples, batch 8 -> 2 steps; a light specialist: 16 examples -> 2 steps
    expect(manifest.steps['mergeable-primer']?.metrics?.steps).toBe(2);
    expect(manifest.steps['mergeable-mc']?.metrics?.steps).toBe(2);
    const plain = await buildWorld(join(dir, 'plain'), SMALL);
    expect(plain.digest).toBe(a.digest);
    expect(plain.mergeable).toBeUndefined();
    expect(await digestFolder(plain.specialists.rc ?? '')).toBe(await digestFolder(a.specialists.rc ?? ''));
  }, 120_000);

  it('same seed, same bytes; the light specialists differ from the primer and from each other', async () => {
    const b = await buildWorld(join(dir, 'b'), { ...SMALL, mergeable: MERGEABLE });
    const digests = async (w: WorldBuild): Promise<string[]> => Promise.all(MODELS.map((m) => digestFolder(join(w.root, 'mergeable', 'models', m))));
    const da = await digests(a);
    expect(await digests(b)).toEqual(da);
    expect(new Set(da).size).toBe(4);
  }, 120_000);

  it('reuses every step; another specialist recipe retrains only the specialists', async () => {
    const again = await buildWorld(join(dir, 'a'), { ...SMALL, mergeable: MERGEABLE });
    expect(again.built).toEqual([]);
    const other = await buildWorld(join(dir, 'a'), { ...SMALL, mergeable: { ...MERGEABLE, specialist: { epochs: 1, learningRate: 5e-4 } } });
    expect(other.built).toEqual(['mergeable-arith', 'mergeable-mc', 'mergeable-rc']);
  }, 120_000);
});
