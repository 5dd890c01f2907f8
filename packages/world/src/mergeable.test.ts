import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWorld } from './build.js';
import {
  lightSpecialistSeed,
  MergeableOptionsSchema,
  MERGEABLE_PRIMER_DEFAULTS,
  MERGEABLE_SPECIALIST_DEFAULTS,
  primerExamples,
  primerSeed,
} from './mergeable.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'world-mergeable-opts-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('mergeable options', () => {
  it('fills the measured recipe by default', () => {
    expect(MergeableOptionsSchema.parse({})).toEqual({ primer: MERGEABLE_PRIMER_DEFAULTS, specialist: MERGEABLE_SPECIALIST_DEFAULTS });
    expect(MergeableOptionsSchema.parse({ specialist: { epochs: 2 } }).specialist).toEqual({ ...MERGEABLE_SPECIALIST_DEFAULTS, epochs: 2 });
  });

  it('names the bad field and writes nothing', async () => {
    const out = join(dir, 'w');
    await expect(buildWorld(out, { seed: 0, mergeable: { primer: { perSkill: 0 } } })).rejects.toThrow(/buildWorld options: mergeable\.primer\.perSkill/);
    await expect(buildWorld(out, { seed: 0, mergeable: { specialist: { learningRate: -1 } } })).rejects.toThrow(
      /buildWorld options: mergeable\.specialist\.learningRate/,
    );
    await expect(buildWorld(out, { seed: 0, mergeable: { specialist: { epoch: 1 } } as never })).rejects.toThrow(/buildWorld options: mergeable\.specialist/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('primes on the head of each skill set, in skill order; seeds differ per world seed and skill', () => {
    const set = (t: string): { prompt: string; completion: string }[] => [0, 1, 2].map((k) => ({ prompt: `${t}${k}`, completion: ` ${k}` }));
    expect(primerExamples([set('a'), set('m'), set('r')], 2).map((e) => e.prompt)).toEqual(['a0', 'a1', 'm0', 'm1', 'r0', 'r1']);
    expect(primerSeed(0)).toBe(7);
    expect(new Set([primerSeed(1), lightSpecialistSeed(1, 0), lightSpecialistSeed(1, 1), lightSpecialistSeed(1, 2)]).size).toBe(4);
  });
});
