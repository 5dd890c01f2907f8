import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runStudy } from '@lamdagent/core';
import { makeToyStudy, pluginConformance, readToyModel, runnerConformance, writeToyModel } from '@lamdagent/testkit';
import { describe, expect, it } from 'vitest';
import plugin, { runner } from './index.js';

// The built module: a study imports plugins by path, outside vitest (run `npm run build` first).
const BUILT = fileURLToPath(new URL('../dist/index.js', import.meta.url));

pluginConformance(plugin);
runnerConformance(runner, {
  good: () => {
    const dir = mkdtempSync(path.join(tmpdir(), '__NAME__-'));
    writeToyModel(path.join(dir, 'm'), [1, 2, 3]);
    return {
      runner: '__NAME__',
      inputs: [
        { slot: 'model', type: 'model', value: path.join(dir, 'm') },
        { slot: 'factor', type: 'number', value: 0.5 },
      ],
    };
  },
  loadModel: (dir) => expect(readToyModel(dir)).toEqual([0.5, 1, 1.5]),
});

describe('__NAME__ in a study', () => {
  it('runs a 3-trial study', async () => {
    const w = makeToyStudy({
      iterations: 3,
      policy: 'greedy', // core's built-in that prefers untried actions
      plugins: [BUILT],
      extra: { objects: { models: ['models/base'], factors: [0.5, 2] }, actions: { '__NAME__': ['models', 'factors'] } },
    });
    writeToyModel(path.join(w.dir, 'models', 'base'), [0.4, 0.2, 0]);
    const s = await runStudy({ configPath: w.configPath, outDir: path.join(w.dir, 'study') });
    expect(s.trials.map((t) => [t.state, t.action.type])).toEqual(Array(3).fill(['complete', '__NAME__']));
  });
});
