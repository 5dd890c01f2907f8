import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runStudy } from '@lamdagent/core';
import { executorConformance, makeToyStudy, pluginConformance } from '@lamdagent/testkit';
import { describe, expect, it } from 'vitest';
import plugin, { __CLASS__Executor } from './index.js';

// The built module: a study imports plugins by path, outside vitest (run `npm run build` first).
const BUILT = fileURLToPath(new URL('../dist/index.js', import.meta.url));

pluginConformance(plugin);
// In-process: a runner's process.exit would end the study, so isolatesProcess is false.
executorConformance('__NAME__', { create: () => new __CLASS__Executor(), capabilities: { isolatesProcess: false } });

describe('__NAME__ in a study', () => {
  it('runs a 3-trial study', async () => {
    const w = makeToyStudy({ iterations: 3, executor: '__NAME__', plugins: [BUILT] });
    const s = await runStudy({ configPath: w.configPath, outDir: path.join(w.dir, 'study') });
    expect(s.trials).toHaveLength(3);
    expect(s.trials.some((t) => t.state === 'complete')).toBe(true);
  });
});
