import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Registry, runStudy, type PluginManifest } from '@lamdagent/core';
import { makeToyStudy, pluginConformance, policyConformance, readToyModel, writeToyModel } from '@lamdagent/testkit';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript modules without declarations, as a first plugin often is
import avg2Module from '../minimal/avg2.mjs';
// @ts-expect-error plain JavaScript modules without declarations
import firstUntriedModule from '../minimal/first-untried.mjs';

// The smallest useful plugins written from docs/plugins.md alone (minimal/*.mjs): they pass testkit's suites and run a study.
const avg2 = avg2Module as PluginManifest;
const firstUntried = firstUntriedModule as PluginManifest;
const minimal = (f: string): string => fileURLToPath(new URL(`../minimal/${f}`, import.meta.url));

pluginConformance(avg2);
pluginConformance(firstUntried);
const r = new Registry();
await firstUntried.register(r.forPlugin(firstUntried.name));
policyConformance(r.policyFactory('first-untried'));

describe('the minimal plugins in a study', () => {
  it('run 3 trials: first-untried picks avg2 merges', async () => {
    const w = makeToyStudy({
      iterations: 3,
      policy: 'first-untried',
      plugins: [minimal('avg2.mjs'), minimal('first-untried.mjs')],
      extra: { objects: { models: ['models/base', 'models/a', 'models/b'] }, actions: { avg2: ['models', 'models'] } },
    });
    writeToyModel(path.join(w.dir, 'models', 'a'), [1, 0, 0]);
    writeToyModel(path.join(w.dir, 'models', 'b'), [0, 1, 0]);
    const s = await runStudy({ configPath: w.configPath, outDir: path.join(w.dir, 'study') });
    expect(s.trials.map((t) => [t.state, t.action.type])).toEqual(Array(3).fill(['complete', 'avg2']));
    for (const t of s.trials) expect(readToyModel(t.produced!.path)).toHaveLength(3);
  });
});
