import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runStudy } from '@lamdagent/core';
import { TinyLM } from '@lamdagent/tinylm';
import { generateWorldData, WORLD_ALPHABET } from '@lamdagent/world';
import { describe, expect, it } from 'vitest';
import { PACKAGE_DIR, slurmGate } from './test-helpers.js';

const gate = slurmGate();
const PACKAGES = path.resolve(PACKAGE_DIR, '..');
const plugins = ['action-sft', 'eval-suites', 'executor-slurm'].map((p) => path.join(PACKAGES, p));

describe.skipIf(!gate.run)(gate.title('an embedded-world study through Slurm'), () => {
  it('trains the tiny model with the sft-tiny runner inside Slurm jobs and scores it in the study process', async () => {
    for (const p of [...plugins, path.join(PACKAGES, 'tinylm'), path.join(PACKAGES, 'world')]) {
      if (!existsSync(path.join(p, 'dist', 'index.js'))) throw new Error(`${p}/dist is missing: build the workspace first (npm run build)`);
    }
    const dir = mkdtempSync(path.join(tmpdir(), 'slurm-world-'));
    const world = await generateWorldData(path.join(dir, 'world'), { seed: 5, trainSize: 64, valSize: 8, testSize: 8 });
    const base = await TinyLM.init({ charset: WORLD_ALPHABET, nLayer: 1, nEmbd: 32, nHead: 2, nPositions: 256 }, 1);
    await base.save(path.join(dir, 'base'));
    base.dispose();
    writeFileSync(
      path.join(dir, 'study.yaml'),
      `seed: 2
budget: { iterations: 2 }
policy: random-type
plugins: ${JSON.stringify(plugins)}
discoverPlugins: false
executor: { name: slurm, options: { pollIntervalMs: 250 } }
objects:
  models: [base]
  sft_data: { values: ${JSON.stringify([world.sft.arith, world.sft.mc])}, names: [arith-sft, mc-sft] }
  sft_lr: [0.003]
actions:
  sft:
    slots: [models, sft_data, sft_lr]
    params: { epochs: 1, batchSize: 16, maxSteps: 4 }
    resources: { cpus: 1, memoryMb: 2048, timeLimitSec: 300 }
tasks:
  - { name: arith, evaluator: suite, options: { data: { validation: ${JSON.stringify(world.eval.arith.validation)} }, scorer: numeric, maxNewTokens: 4, limit: 8 } }
  - { name: mc, evaluator: suite, options: { data: { validation: ${JSON.stringify(world.eval.mc.validation)} }, scorer: choice, maxNewTokens: 6, limit: 8 } }
`,
    );
    const res = await runStudy({ configPath: path.join(dir, 'study.yaml'), outDir: path.join(dir, 'out') });
    expect(res.trials).toHaveLength(2);
    const done = res.trials.filter((t) => t.state === 'complete');
    expect(done.length, JSON.stringify(res.trials.map((t) => t.error))).toBe(2);
    for (const t of done) {
      expect(existsSync(path.join(t.produced!.path, 'model.safetensors'))).toBe(true);
      expect(t.metrics['finalLoss']).toBeLessThan(t.metrics['initialLoss']!);
      expect(Object.keys(t.scores).sort()).toEqual(['arith', 'mc']);
      expect(t.resources?.wallSec).toBeGreaterThan(0);
    }
  }, 150_000);
});
