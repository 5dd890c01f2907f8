import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InProcessExecutor, SubprocessExecutor } from './executors-local.js';
import type { JobSpec } from './jobs.js';
import type { Runner } from './runner.js';
import { TOY_PLUGIN } from '../test-fixtures/toy-world.js';

function job(fail?: string, timeLimitSec?: number): JobSpec {
  const dir = mkdtempSync(path.join(tmpdir(), 'job-'));
  mkdirSync(path.join(dir, 'base'));
  writeFileSync(path.join(dir, 'base', 'model.json'), JSON.stringify({ w: [0, 0] }));
  writeFileSync(path.join(dir, 'data.json'), JSON.stringify(fail ? { fail, target: [1, 1] } : { target: [1, 1] }));
  return {
    schemaVersion: 1,
    jobId: 'j1',
    actionKey: 'k',
    action: 'sft',
    actionType: 'sft',
    runner: 'toy-train',
    runnerVersion: '1',
    inputs: [
      { slot: 'model', id: 'm', name: 'm', type: 'model', value: path.join(dir, 'base'), digest: 'd' },
      { slot: 'dataset', id: 'd', name: 'd', type: 'dataset', value: path.join(dir, 'data.json'), digest: 'd' },
      { slot: 'learning_rate', id: 'l', name: 'l', type: 'number', value: 0.5, digest: 'd' },
    ],
    params: {},
    outputDir: path.join(dir, 'out'),
    jobDir: path.join(dir, 'job'),
    seed: 1,
    resources: { gpus: 1, cpus: 1, ...(timeLimitSec ? { timeLimitSec } : {}) },
    plugins: [TOY_PLUGIN],
    smoke: false,
  };
}

const ctx = {
  signal: new AbortController().signal,
  runner: (): Runner => {
    throw new Error('not used');
  },
};

describe('subprocess executor', () => {
  const ex = new SubprocessExecutor({ killGraceMs: 500 });
  it('runs a job in a child process and reads its result manifest', async () => {
    const m = await ex.submit(job(), ctx);
    expect(m.status).toBe('completed');
    expect(m.metrics).toEqual({ steps: 1 });
    expect(m.resources.gpus).toBe(1);
    expect(m.resources.gpuHours).toBeGreaterThan(0);
  });
  it('classifies a runner error, a non-zero exit, a missing result and a hang past the time limit', async () => {
    const thrown = await ex.submit(job('throw'), ctx);
    expect(thrown).toMatchObject({ status: 'failed', error: { type: 'RunnerError', message: 'dataset is broken' } });
    const exited = await ex.submit(job('exit'), ctx);
    expect(exited).toMatchObject({ status: 'failed', error: { type: 'ExitCode', exitCode: 3 } });
    const silent = await ex.submit(job('noresult'), ctx);
    expect(silent.status).toBe('failed');
    expect(silent.error?.type).toBe('BadResult');
    const t0 = Date.now();
    const hung = await ex.submit(job('hang', 1), ctx);
    expect(hung).toMatchObject({ status: 'timeout', error: { type: 'Timeout' } });
    expect(Date.now() - t0).toBeLessThan(10_000);
  });
  it('cancels a running job', async () => {
    const ctl = new AbortController();
    const p = ex.submit(job('hang'), { ...ctx, signal: ctl.signal });
    setTimeout(() => ctl.abort(), 300);
    expect((await p).status).toBe('cancelled');
  });
});

describe('in-process executor', () => {
  it('enforces a time limit and reports the cause', async () => {
    const slow: Runner = {
      name: 'slow',
      version: '1',
      run: (_s, c) => new Promise((_, rej) => c.signal.addEventListener('abort', () => rej(c.signal.reason))),
    };
    const m = await new InProcessExecutor().submit(
      { ...job(), runner: 'slow', resources: { gpus: 0, cpus: 1, timeLimitSec: 0.2 } },
      { ...ctx, runner: () => slow },
    );
    expect(m).toMatchObject({ status: 'timeout', error: { type: 'Timeout', message: 'exceeded its time limit of 0.2 s' } });
  });
});
