import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runStudy } from '@lamdagent/core';
import { makeToyStudy, pluginConformance, policyConformance } from '@lamdagent/testkit';
import { describe, expect, it } from 'vitest';
import plugin, { policy } from './index.js';

// The built module: a study imports plugins by path, outside vitest (run `npm run build` first).
const BUILT = fileURLToPath(new URL('../dist/index.js', import.meta.url));

pluginConformance(plugin);
policyConformance(policy);

describe('__NAME__ in a study', () => {
  it('runs a 3-trial study', async () => {
    const w = makeToyStudy({ iterations: 3, policy: '__NAME__', plugins: [BUILT] });
    const s = await runStudy({ configPath: w.configPath, outDir: path.join(w.dir, 'study') });
    expect(s.trials.map((t) => t.policy?.policy)).toEqual(['__NAME__', '__NAME__', '__NAME__']);
    expect(new Set(s.trials.map((t) => t.action.key)).size).toBe(3);
  });
});
