import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runStudy } from '@lamdagent/core';
import { evaluatorConformance, makeToyStudy, pluginConformance, writeToyModel } from '@lamdagent/testkit';
import { describe, expect, it } from 'vitest';
import plugin, { evaluator } from './index.js';

// The built module: a study imports plugins by path, outside vitest (run `npm run build` first).
const BUILT = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const task = { name: 't', evaluator: '__NAME__', metric: 'closeness', max: 1, alpha: 1, inReward: true, options: { target: [1, 0, 0] } };

pluginConformance(plugin);
evaluatorConformance('__NAME__', {
  create: () => evaluator,
  model: () => {
    const dir = mkdtempSync(path.join(tmpdir(), '__NAME__-'));
    writeToyModel(dir, [0.5, 0, 1]);
    return { id: 'models/0', kind: 'models', type: 'model', name: 'm', value: dir, digest: 'd' };
  },
  task,
  badTask: { ...task, options: { target: 'not numbers' } },
});

describe('__NAME__ in a study', () => {
  it('runs a 3-trial study scored by it', async () => {
    const w = makeToyStudy({ iterations: 3, plugins: [BUILT], extra: { tasks: [{ name: 't', evaluator: '__NAME__', options: { target: [1, 0, 0] } }] } });
    const s = await runStudy({ configPath: w.configPath, outDir: path.join(w.dir, 'study') });
    const done = s.trials.filter((t) => t.state === 'complete');
    expect(done.length).toBeGreaterThan(0);
    for (const t of done) expect(t.scores['t']).toBeGreaterThan(0);
  });
});
