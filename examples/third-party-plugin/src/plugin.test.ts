import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ties from '@lamdagent/action-ties';
import { Registry, registerBuiltins, registerPlugin, runStudy } from '@lamdagent/core';
import { makeToyStudy, pluginConformance, policyConformance, readToyModel, runnerConformance, writeToyModel } from '@lamdagent/testkit';
import { describe, expect, it } from 'vitest';
import plugin, { epsGreedy, linearRunner } from './index.js';

pluginConformance(plugin);
policyConformance(epsGreedy, { options: { epsilon: 0.2 } });
runnerConformance(linearRunner, {
  good: () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'linear-'));
    writeToyModel(path.join(dir, 'a'), [1, 0, 0]);
    writeToyModel(path.join(dir, 'b'), [0, 1, 0]);
    return {
      runner: 'linear-ts',
      inputs: [
        { slot: 'models', type: 'model', value: path.join(dir, 'a') },
        { slot: 'models', type: 'model', value: path.join(dir, 'b') },
        { slot: 'weights', type: 'json', value: [3, 1] },
      ],
    };
  },
  loadModel: (dir) => expect(readToyModel(dir)).toEqual([0.75, 0.25, 0]),
});

describe('an out-of-tree plugin in a study', () => {
  it('runs a 3-trial study with its action and its policy', async () => {
    const w = makeToyStudy({
      iterations: 3,
      policy: { name: 'eps-greedy', options: { epsilon: 0.2 } },
      plugins: [path.join(path.dirname(fileURLToPath(import.meta.url)), 'index.ts')],
      extra: {
        objects: {
          models: ['models/base', 'models/other'],
          weights: [
            [3, 1],
            [1, 3],
          ],
        },
        actions: { linear: ['models', 'models', 'weights'] },
      },
    });
    writeToyModel(path.join(w.dir, 'models', 'base'), [1, 0, 0]);
    writeToyModel(path.join(w.dir, 'models', 'other'), [0, 1, 0]);
    const s = await runStudy({ configPath: w.configPath, outDir: path.join(w.dir, 'study') });
    expect(s.trials.map((t) => [t.state, t.action.type, t.policy?.policy])).toEqual(Array(3).fill(['complete', 'linear', 'eps-greedy']));
    expect(new Set(s.trials.map((t) => t.action.key)).size).toBe(3);
    for (const t of s.trials) {
      // The produced model is the weighted average of the action's inputs, and it is scored.
      const [a, b] = t.action.inputs
        .filter((i) => i.kind === 'models')
        .map((i) => readToyModel(s.trials.find((x) => x.produced?.id === i.id)?.produced?.path ?? path.join(w.dir, 'models', i.name)));
      const wts = t.action.inputs.find((i) => i.kind === 'weights')!.name;
      expect(wts).toMatch(/^\[[13],[13]\]$/);
      const [wa, wb] = (JSON.parse(wts) as number[]).map((x) => x / 4);
      expect(readToyModel(t.produced!.path)).toEqual(a!.map((x, j) => wa! * x + wb! * b![j]!));
      expect(Object.keys(t.scores).sort()).toEqual(['ta', 'tb']);
    }
  });
});

describe('next to @lamdagent/action-ties, which also provides an action type "linear"', () => {
  it('both load; plain "linear" is refused naming the qualified names, and each qualified name works (its own runner too)', async () => {
    const r = new Registry();
    await registerBuiltins(r);
    await registerPlugin(r, ties);
    await registerPlugin(r, plugin);
    expect(() => r.actionType('linear')).toThrow(
      'actionType "linear" is provided by 2 plugins: use one of "@lamdagent/action-ties:linear", "lamdagent-plugin-linear:linear"',
    );
    expect(r.actionType('lamdagent-plugin-linear:linear').runner).toBe('linear-ts');
    // Both name their runner "linear-ts": each action type runs its own plugin's runner.
    expect(r.defaultRunner(r.actionType('lamdagent-plugin-linear:linear'))).toBe('lamdagent-plugin-linear:linear-ts');
    expect(r.defaultRunner(r.actionType('@lamdagent/action-ties:linear'))).toBe('@lamdagent/action-ties:linear-ts');
    expect(() => r.runner('linear-ts')).toThrow(/provided by 2 plugins/);
  });

  it("a study with both plugins uses the qualified type, and its job runs this plugin's runner", async () => {
    const w = makeToyStudy({
      iterations: 3,
      policy: { name: 'eps-greedy', options: { epsilon: 0.2 } },
      plugins: [
        path.join(path.dirname(fileURLToPath(import.meta.url)), 'index.ts'),
        fileURLToPath(new URL('../../../node_modules/@lamdagent/action-ties', import.meta.url)),
      ],
      extra: {
        objects: {
          models: ['models/base', 'models/other'],
          weights: [
            [3, 1],
            [1, 3],
          ],
        },
        actions: { merge: { type: 'lamdagent-plugin-linear:linear', slots: ['models', 'models', 'weights'] } },
      },
    });
    writeToyModel(path.join(w.dir, 'models', 'other'), [0, 1, 0]);
    const s = await runStudy({ configPath: w.configPath, outDir: path.join(w.dir, 'study') });
    expect(s.trials.map((t) => t.state)).toEqual(['complete', 'complete', 'complete']);
    for (const t of s.trials) expect(readToyModel(t.produced!.path)).toHaveLength(3);
  });
});
