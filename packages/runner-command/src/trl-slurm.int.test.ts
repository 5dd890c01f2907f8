import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runStudy } from '@lamdagent/core';
import { SHIPPED_BASE_MODEL } from '@lamdagent/world';
import { describe, expect, it } from 'vitest';
import { IN_CI, pythonGate } from './test-python.js';
import { journalTrials, PACKAGES, PLUGINS, requireBuilt, smallWorld, TRL_PARAMS } from './test-study.js';

/** Is the local Slurm cluster up (scripts/ci/slurm.sh)? In CI it must be. */
function slurmUp(): string {
  try {
    const states = execFileSync('sinfo', ['--noheader', '--Node', '--format=%T'], { encoding: 'utf8', timeout: 15_000, stdio: ['ignore', 'pipe', 'pipe'] });
    if (/^(idle|mixed|allocated|completing)/m.test(states)) return '';
    return `sinfo shows no usable node (${states.trim() || 'none'})`;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'sinfo is not installed' : `sinfo failed: ${(e as Error).message.split('\n')[0]}`;
  }
}
const slurmReason = slurmUp();
if (slurmReason && IN_CI) throw new Error(`CI=true but the local Slurm cluster is not up (${slurmReason}); scripts/ci/slurm.sh should have started it`);
if (slurmReason) process.stderr.write(`[runner-command] TRL-through-Slurm test skipped: ${slurmReason} (start it with: sudo bash scripts/ci/slurm.sh)\n`);
const gate = pythonGate('TRL-through-Slurm test', ['torch', 'transformers', 'trl', 'datasets']);
const run = gate.run && !slurmReason;

describe.skipIf(!run)(gate.title(`sft-trl and dpo-trl as Slurm batch jobs${slurmReason ? ` (skipped: ${slurmReason})` : ''}`), () => {
  it('trains the world GPT-2 with TRL inside Slurm jobs: losses fall, HF checkpoints, tiny-backend scores, metrics in the journal', async () => {
    requireBuilt();
    const dir = mkdtempSync(path.join(tmpdir(), 'trl-slurm-'));
    const world = await smallWorld(dir);
    const plugins = [...PLUGINS.filter((p) => !p.endsWith('action-ties')), path.join(PACKAGES, 'executor-slurm')];
    writeFileSync(
      path.join(dir, 'study.yaml'),
      `seed: 4
budget: { iterations: 2 }
policy: { name: in-order, options: { order: [sft, dpo] } }
plugins: ${JSON.stringify(plugins)}
discoverPlugins: false
executor: { name: slurm, options: { pollIntervalMs: 500 } }
objects:
  base_models: { values: [${JSON.stringify(SHIPPED_BASE_MODEL)}], names: [base] }
  models: []
  sft_data: { values: [${JSON.stringify(world.sft.all)}], names: [all] }
  sft_lr: [0.003]
  dpo_data: { values: [${JSON.stringify(world.preference.all)}], names: [pref] }
  dpo_lr: [0.0005]
  dpo_beta: [0.1]
actions:
  sft: { slots: [base_models, sft_data, sft_lr], runner: sft-trl, params: ${TRL_PARAMS}, runnerParams: { logging_steps: 1 }, resources: { cpus: 2, memoryMb: 4096, timeLimitSec: 900 } }
  dpo: { slots: [models, dpo_data, dpo_lr, dpo_beta], runner: dpo-trl, params: ${TRL_PARAMS}, runnerParams: { logging_steps: 1 }, resources: { cpus: 2, memoryMb: 4096, timeLimitSec: 900 } }
tasks:
  - { name: arith, options: { data: { validation: ${JSON.stringify(world.eval.arith.validation)} }, scorer: numeric, maxNewTokens: 4, limit: 8 } }
`,
    );
    const out = path.join(dir, 'out');
    const res = await runStudy({ configPath: path.join(dir, 'study.yaml'), outDir: out });
    expect(res.trials.map((t) => [t.action.name, t.state, t.error?.message ?? ''])).toEqual([
      ['sft', 'complete', ''],
      ['dpo', 'complete', ''],
    ]);
    for (const t of journalTrials(out)) {
      expect(t.metrics['final_loss']).toBeLessThan(t.metrics['initial_loss']!);
      expect(Object.keys(t.scores)).toEqual(['arith']);
      process.stdout.write(
        `[runner-command] TRL ${t.action.name} in Slurm: loss ${t.metrics['initial_loss']!.toFixed(4)} -> ${t.metrics['final_loss']!.toFixed(4)}, ${t.metrics['commandSec']?.toFixed(1)} s\n`,
      );
    }
    for (const t of res.trials)
      for (const f of ['config.json', 'model.safetensors', 'tokenizer.json']) expect(existsSync(path.join(t.produced!.path, f))).toBe(true);
    // The job ran under Slurm: its log holds the batch job's output.
    const jobDir = path.join(out, 'jobs', 't0000');
    expect(readFileSync(path.join(jobDir, 'command.log'), 'utf8')).toContain('sft_trl: metrics');
  }, 1_200_000);
});
