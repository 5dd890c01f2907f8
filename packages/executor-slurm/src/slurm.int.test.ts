import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { JobHandle, ResultManifest } from '@lamdagent/core';
import { executeInProcess } from '@lamdagent/core/kit';
import { beforeAll, describe, expect, it } from 'vitest';
import { SlurmExecutor } from './executor.js';
import { JOB_FILES } from './sbatch.js';
import { toySftRunner } from '@lamdagent/testkit';
import { faultSpec, noRunnerCtx, slurmGate, toySpec } from './test-helpers.js';

const gate = slurmGate();
const base = { pollIntervalMs: 250, env: ['FAULT_MARK'] };
const slurmState = (id: string): string => {
  try {
    return execFileSync('scontrol', ['--oneliner', 'show', 'job', id], { encoding: 'utf8' }).match(/JobState=(\S+)/)?.[1] ?? '?';
  } catch {
    return 'gone';
  }
};
/** Resolves with the Slurm id once the job runs (onProgress reports each state it sees). */
const runningCtx = (signal?: AbortSignal): { ctx: ReturnType<typeof noRunnerCtx> & { onProgress(u: { message?: string }): void }; running: Promise<void> } => {
  let ready!: () => void;
  const running = new Promise<void>((r) => (ready = r));
  return { ctx: { ...noRunnerCtx(signal), onProgress: (u) => u.message?.includes('RUNNING') && ready() }, running };
};

describe.skipIf(!gate.run)(gate.title('slurm executor on the local cluster'), () => {
  // Slurm enforces --time in whole minutes, checked about every 30 s: start the one job that
  // waits for Slurm's own TIMEOUT first, so it overlaps the others; it is checked in the last test.
  // The limit comes from the executor's default (the job spec has none, so neither the runner's
  // own timer nor the executor's fires first).
  let slurmTimeout: Promise<ResultManifest>;
  beforeAll(() => {
    const ex = new SlurmExecutor({ ...base, defaultTimeLimitSec: 60 });
    slurmTimeout = ex.submit(faultSpec('hang', { jobId: 't0099' }), noRunnerCtx());
  });

  it('runs a toy training job through sbatch with the same result as in-process', async () => {
    const spec = toySpec();
    const local = { ...spec, outputDir: `${spec.outputDir}-local`, jobDir: `${spec.jobDir}-local` };
    const inProcess = await executeInProcess(local, toySftRunner, { signal: new AbortController().signal });

    const logs: string[] = [];
    const handles: JobHandle[] = [];
    const ex = new SlurmExecutor(base);
    const viaSlurm = await ex.submit(spec, { ...noRunnerCtx(), onLog: (l) => logs.push(l) }, (h) => handles.push(h));
    expect(viaSlurm.status).toBe('completed');
    expect(viaSlurm.status).toBe(inProcess.status);
    expect(viaSlurm.metrics).toEqual(inProcess.metrics);
    expect(viaSlurm.artifact).toBe(spec.outputDir);
    expect(readFileSync(path.join(spec.outputDir, 'model.json'), 'utf8')).toBe(readFileSync(path.join(local.outputDir, 'model.json'), 'utf8'));
    expect(handles).toEqual([{ jobId: spec.jobId, externalId: expect.stringMatching(/^\d+$/) }]);
    const id = handles[0]!.externalId!;
    expect(viaSlurm.logs).toEqual([path.join(spec.jobDir, 'runner.log'), path.join(spec.jobDir, `slurm-${id}.out`), path.join(spec.jobDir, `slurm-${id}.err`)]);
    expect(
      logs.some((l) => l.includes(`runner toy-sft@1 job ${spec.jobId}`)),
      logs.join('\n'),
    ).toBe(true);
    expect(JSON.parse(readFileSync(path.join(spec.jobDir, 'result.json'), 'utf8'))).toEqual(viaSlurm);
    expect(slurmState(id)).toBe('COMPLETED');
  });

  it('passes only the listed environment variables to the job', async () => {
    process.env['FAULT_MARK'] = 'passed, with a comma';
    process.env['FAULT_SECRET'] = 'must-not-leak';
    try {
      const spec = faultSpec('ok');
      const m = await new SlurmExecutor(base).submit(spec, noRunnerCtx());
      expect(m).toMatchObject({ status: 'completed', metrics: { steps: 2, seed: 11 } });
      expect(JSON.parse(readFileSync(path.join(spec.outputDir, 'model.json'), 'utf8'))).toMatchObject({ env: 'passed, with a comma', secret: null });
    } finally {
      delete process.env['FAULT_MARK'];
      delete process.env['FAULT_SECRET'];
    }
  });

  it('classifies a runner that throws, exits non-zero, crashes or writes a malformed result', async () => {
    const ex = new SlurmExecutor(base);
    const [thrown, exited, crashed, malformed, notJson] = await Promise.all([
      ex.submit(faultSpec('throw'), noRunnerCtx()),
      ex.submit(faultSpec('exit'), noRunnerCtx()),
      ex.submit(faultSpec('crash'), noRunnerCtx()),
      ex.submit(faultSpec('badresult'), noRunnerCtx()),
      ex.submit(faultSpec('notjson'), noRunnerCtx()),
    ]);
    expect(thrown).toMatchObject({ status: 'failed', error: { type: 'RunnerError', message: 'broken on purpose' } });
    expect(exited).toMatchObject({ status: 'failed', error: { type: 'ExitCode', exitCode: 3 } });
    expect(exited.error!.logExcerpt).toContain('exiting with code 3');
    expect(crashed).toMatchObject({ status: 'failed', error: { type: 'Signal', signal: 'SIGKILL', exitCode: 137 } });
    expect(malformed).toMatchObject({ status: 'failed', error: { type: 'BadResult' } });
    expect(malformed.error!.message).toMatch(/result\.json: .*status/);
    expect(notJson).toMatchObject({ status: 'failed', error: { type: 'BadResult', message: expect.stringMatching(/result\.json: not JSON/) } });
  });

  it("cancels a job that runs past its exact time limit (the executor's clock, below Slurm's minute)", async () => {
    const spec = faultSpec('hang', { timeLimitSec: 2 });
    let id = '';
    const t0 = Date.now();
    const m = await new SlurmExecutor(base).submit(spec, noRunnerCtx(), (h) => (id = h.externalId!));
    expect(m).toMatchObject({ status: 'timeout', error: { type: 'Timeout' } });
    // The executor cancels at 2 s of Slurm's clock; the runner's own timer may win the race by a hair.
    expect(m.error!.message).toMatch(new RegExp(`time limit of 2 s(; the executor cancelled Slurm job ${id})?`));
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect(slurmState(id)).toBe('CANCELLED');
  });

  it('reports a job cancelled from outside with scancel, and cancels its own job when the study aborts', async () => {
    const ex = new SlurmExecutor(base);
    const outside = runningCtx();
    let id = '';
    const p = ex.submit(faultSpec('hang'), outside.ctx, (h) => (id = h.externalId!));
    await outside.running;
    execFileSync('scancel', [id]);
    expect(await p).toMatchObject({
      status: 'cancelled',
      error: { type: 'Cancelled', message: expect.stringMatching(new RegExp(`Slurm job ${id} on \\S+ was cancelled outside the study`)) },
    });

    const ctl = new AbortController();
    const mine = runningCtx(ctl.signal);
    let id2 = '';
    const q = ex.submit(faultSpec('hang'), mine.ctx, (h) => (id2 = h.externalId!));
    await mine.running;
    ctl.abort();
    expect(await q).toMatchObject({ status: 'cancelled', error: { type: 'Cancelled', message: `cancelled by the study (scancel ${id2})` } });
    expect(slurmState(id2)).toBe('CANCELLED');
  });

  it('re-attaches to a running job after a simulated crash instead of submitting it again', async () => {
    const spec = faultSpec('ok', { params: { sleepMs: 2500 } });
    const first = new SlurmExecutor(base);
    let handle: JobHandle | undefined;
    const lost = runningCtx();
    void first.submit(spec, lost.ctx, (h) => (handle = h));
    await lost.running;
    await first.close(); // the study process is gone; its promise is dropped
    const submitted = readFileSync(path.join(spec.jobDir, JOB_FILES.submission), 'utf8');

    const second = new SlurmExecutor(base);
    const m = await second.reattach(spec, { jobId: handle!.jobId, externalId: handle!.externalId! }, noRunnerCtx());
    expect(m).toMatchObject({ status: 'completed', metrics: { steps: 2, seed: 11 } });
    expect(readFileSync(path.join(spec.jobDir, JOB_FILES.submission), 'utf8')).toBe(submitted);
    // After it ended: re-attaching reads its end from Slurm and the job folder.
    expect(await new SlurmExecutor(base).reattach(spec, handle!, noRunnerCtx())).toMatchObject({ status: 'completed' });
    // An id Slurm never knew (or a job of another folder) is not adopted: the caller resubmits.
    expect(await second.reattach(faultSpec('ok'), { jobId: 't0001', externalId: '999999' }, noRunnerCtx())).toBeUndefined();
    expect(await second.reattach(faultSpec('ok'), handle!, noRunnerCtx())).toBeUndefined();
  });

  it("classifies Slurm's own TIMEOUT (--time=1, whole minutes)", async () => {
    const m = await slurmTimeout;
    expect(m).toMatchObject({
      status: 'timeout',
      error: { type: 'Timeout', message: expect.stringMatching(/^Slurm job \d+ on \S+ reached its Slurm time limit$/) },
    });
    expect(m.resources.wallSec).toBeGreaterThanOrEqual(60);
  }, 150_000);
});
