/* Helpers shared by this package's tests (not part of the public entry). */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JobSpec, Runner } from '@lamdagent/core';
import { makeJobSpec, TOY_PLUGIN_MODULE, toySftRunner, writeToyModel } from '@lamdagent/testkit';

const here = path.dirname(fileURLToPath(import.meta.url));
export const PACKAGE_DIR = path.resolve(here, '..');
export const FAULT_PLUGIN = path.join(PACKAGE_DIR, 'test-fixtures', 'fault-plugin', 'index.mjs');

export const noRunnerCtx = (signal: AbortSignal = new AbortController().signal): { signal: AbortSignal; runner(name: string): Runner } => ({
  signal,
  runner: (): Runner => {
    throw new Error('the slurm executor never runs a runner in-process');
  },
});

/** A job folder in a fresh temp dir (tmpdir is on the same machine as the test cluster: shared). */
export function faultSpec(
  mode: string,
  extra: { params?: Record<string, string | number>; timeLimitSec?: number; gpus?: number; jobId?: string } = {},
): JobSpec {
  const dir = mkdtempSync(path.join(tmpdir(), 'slurm-job-'));
  return {
    schemaVersion: 1,
    jobId: extra.jobId ?? 't0001',
    actionKey: `k-${mode}`,
    action: 'fault',
    actionType: 'fault',
    runner: 'fault',
    runnerVersion: '1',
    inputs: [],
    params: { mode, ...extra.params },
    outputDir: path.join(dir, 'out'),
    jobDir: path.join(dir, 'job'),
    seed: 11,
    resources: { gpus: extra.gpus ?? 0, cpus: 1, ...(extra.timeLimitSec ? { timeLimitSec: extra.timeLimitSec } : {}) },
    plugins: [FAULT_PLUGIN],
    smoke: false,
  };
}

/** A training job of testkit's toy world (a model vector moved toward a dataset target), run by its built plugin module. */
export function toySpec(): JobSpec {
  const dir = mkdtempSync(path.join(tmpdir(), 'slurm-toy-'));
  writeToyModel(path.join(dir, 'base'), [0, 0, 0]);
  writeFileSync(path.join(dir, 'data.json'), JSON.stringify({ target: [1, 0.5, 0] }));
  return makeJobSpec(
    {
      runner: toySftRunner.name,
      actionType: 'toy-sft',
      inputs: [
        { slot: 'model', type: 'model', value: path.join(dir, 'base') },
        { slot: 'dataset', type: 'dataset', value: path.join(dir, 'data.json') },
        { slot: 'learning_rate', type: 'number', value: 0.5 },
      ],
      seed: 3,
      plugins: [TOY_PLUGIN_MODULE],
    },
    dir,
  );
}

/** Is a Slurm cluster answering here? (sinfo shows a usable node.) */
export function probeSlurm(): { up: true } | { up: false; reason: string } {
  try {
    const out = execFileSync('sinfo', ['--noheader', '--Node', '--format=%T'], { encoding: 'utf8', timeout: 15_000, stdio: ['ignore', 'pipe', 'pipe'] });
    const states = out
      .split('\n')
      .map((s) => s.trim())
      .filter(Boolean);
    if (states.some((s) => /^(idle|mixed|allocated|completing)/.test(s))) return { up: true };
    return { up: false, reason: `sinfo shows no usable node (${states.join(', ') || 'none'})` };
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    return { up: false, reason: err.code === 'ENOENT' ? 'sinfo is not installed' : `sinfo failed: ${(err.stderr || err.message).trim().split('\n')[0]}` };
  }
}

export const IN_CI = process.env['CI'] === 'true' || process.env['CI'] === '1';

/**
 * Gate for integration tests: in CI a missing cluster is an error (thrown at collection, so the file
 * fails loudly); elsewhere the suite is skipped and its title says why.
 */
export function slurmGate(): { run: boolean; title(name: string): string } {
  const p = probeSlurm();
  if (!p.up && IN_CI) throw new Error(`CI=true but the local Slurm cluster is not up (${p.reason}); scripts/ci/slurm.sh should have started it`);
  if (!p.up) process.stderr.write(`[executor-slurm] integration tests skipped: ${p.reason} (start a local cluster with: sudo bash scripts/ci/slurm.sh)\n`);
  return { run: p.up, title: (name) => (p.up ? name : `${name} (skipped: ${p.reason}; run scripts/ci/slurm.sh as root)`) };
}
