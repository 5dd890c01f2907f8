import path from 'node:path';
import { openStudy } from '@lamdagent/core';
import { describe, expect, it } from 'vitest';
import { toyWorld } from '../test-fixtures/toy-world.js';
import { studyDirOf } from './compare.js';
import { compare } from './compare-run.js';

describe('ablation (compare arms on reduced action spaces)', () => {
  it('removes the action type from the space itself, and compares it with the full space over the same seeds', async () => {
    const w = toyWorld();
    const out = path.join(w.dir, 'abl');
    const policy = { label: 'random', name: 'random', options: {} };
    const r = await compare({
      configPath: w.config,
      arms: [
        { label: 'full', policy },
        { label: 'without-merge', policy, without: ['merge'] },
      ],
      seeds: 2,
      iterations: 6,
      outDir: out,
    });
    expect(r.report.arms.map((a) => a.label)).toEqual(['full', 'without-merge']);
    expect(r.report.arms[1]!.vsReference?.reference).toBe('full');
    for (const seed of [0, 1]) {
      const ablated = openStudy(studyDirOf(out, 'without-merge', seed));
      expect(Object.keys((ablated.snapshot.config as { actions: Record<string, unknown> }).actions)).toEqual(['sft']);
      expect(ablated.trials.every((t) => t.action.name === 'sft')).toBe(true);
      const full = openStudy(studyDirOf(out, 'full', seed));
      expect(Object.keys((full.snapshot.config as { actions: Record<string, unknown> }).actions)).toEqual(['sft', 'merge']);
    }
    // The full space of this config makes merges possible after the first trial; random picks some.
    expect([0, 1].flatMap((s) => openStudy(studyDirOf(out, 'full', s)).trials).some((t) => t.action.name === 'merge')).toBe(true);
  });
});
