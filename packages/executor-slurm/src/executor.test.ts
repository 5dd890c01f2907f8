import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { JobSpec, ResultManifest } from '@lamdagent/core';
import { describe, expect, it } from 'vitest';
import { SlurmExecutor } from './executor.js';
import type { SlurmJobInfo } from './parse.js';
import { JOB_FILES } from './sbatch.js';
import { SlurmCommandError, type SlurmCli } from './slurm-cli.js';
import { faultSpec, noRunnerCtx } from './test-helpers.js';

type Step = Partial<Omit<SlurmJobInfo, 'id' | 'source'>> | ((id: string) => void);

/** An in-memory Slurm: each squeue call advances a job one step of its plan. */
class FakeSlurm implements SlurmCli {
  readonly jobs = new Map<string, SlurmJobInfo & { forgotten?: boolean; scancelled?: boolean }>();
  readonly submitted: { args: readonly string[]; cwd: string; env: NodeJS.ProcessEnv }[] = [];
  readonly cancelled: string[] = [];
  readonly plans = new Map<string, Step[]>();
  nextPlan: Step[] = [];
  next = 100;
  queueError?: Error;
  submitError?: Error;
  /** How many scancel calls fail before one works. */
  cancelFailures = 0;
  async submit(args: readonly string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): Promise<string> {
    if (this.submitError) throw this.submitError;
    const id = String(this.next++);
    this.submitted.push({ args, ...opts });
    this.jobs.set(id, { id, state: 'PENDING', elapsedSec: 0, workDir: opts.cwd, source: 'squeue' });
    this.plans.set(id, [...this.nextPlan]);
    return id;
  }
  async queue(ids: readonly string[]): Promise<Map<string, SlurmJobInfo>> {
    if (this.queueError) throw this.queueError;
    const out = new Map<string, SlurmJobInfo>();
    for (const id of ids) {
      const step = this.plans.get(id)?.shift();
      const j = this.jobs.get(id);
      if (typeof step === 'function') step(id);
      else if (step && j) Object.assign(j, { reason: undefined }, step);
      if (j?.scancelled) j.state = 'CANCELLED';
      if (j && !j.forgotten) out.set(id, { ...j, source: 'squeue' });
    }
    return out;
  }
  async show(id: string): Promise<SlurmJobInfo | undefined> {
    const j = this.jobs.get(id);
    return j && !j.forgotten ? { ...j, source: 'scontrol' } : undefined;
  }
  async accounting(): Promise<SlurmJobInfo | undefined> {
    return undefined;
  }
  async cancel(id: string): Promise<void> {
    this.cancelled.push(id);
    if (this.cancelFailures > 0 && this.cancelFailures--) throw new SlurmCommandError('scancel', 'Unable to contact slurm controller', '', true);
    const j = this.jobs.get(id);
    if (j && j.state !== 'COMPLETED') j.scancelled = true;
  }
}

/** What lamdagent-runner would have written. */
function writeRunnerResult(spec: JobSpec, m: Partial<ResultManifest> = {}): void {
  mkdirSync(spec.jobDir, { recursive: true });
  const full: ResultManifest = {
    schemaVersion: 1,
    jobId: spec.jobId,
    status: 'completed',
    artifact: spec.outputDir,
    metrics: { steps: 2 },
    resources: { wallSec: 1, gpus: 0, gpuHours: 0 },
    logs: [path.join(spec.jobDir, 'runner.log')],
    ...m,
  };
  writeFileSync(path.join(spec.jobDir, 'result.json'), JSON.stringify(full));
}

const fast = { pollIntervalMs: 100, lamdagentRunner: '/opt/lamdagent/runner-bin.js', nodePath: '/usr/bin/node' };

describe('slurm executor (fake Slurm)', () => {
  const make = (fake: FakeSlurm, o: Record<string, unknown> = {}): SlurmExecutor =>
    new SlurmExecutor({ ...fast, ...o }, { cli: fake, env: { PATH: '/bin', HOME: '/h', SECRET: 's' } });

  it("submits, reports the Slurm id, follows PENDING -> RUNNING -> COMPLETED and returns the runner's result", async () => {
    const fake = new FakeSlurm();
    const spec = faultSpec('ok');
    fake.nextPlan = [
      { state: 'PENDING', reason: 'Resources' },
      { state: 'RUNNING', elapsedSec: 1 },
      () => writeRunnerResult(spec),
      { state: 'COMPLETED', exitCode: 0, elapsedSec: 2 },
    ];
    const ex = make(fake);
    const started: string[] = [];
    const progress: string[] = [];
    const m = await ex.submit(spec, { ...noRunnerCtx(), onProgress: (u) => progress.push(u.message ?? '') }, (h) => started.push(`${h.jobId}:${h.externalId}`));
    expect(started).toEqual(['t0001:100']);
    expect(m).toMatchObject({ status: 'completed', jobId: 't0001', metrics: { steps: 2 }, resources: { wallSec: 2 } });
    expect(progress).toEqual(['Slurm job 100 PENDING (Resources)', 'Slurm job 100 RUNNING']);
    expect(fake.submitted[0]!.cwd).toBe(spec.jobDir);
    expect(fake.submitted[0]!.args).toContain('--export=PATH,HOME');
    expect(JSON.parse(readFileSync(path.join(spec.jobDir, 'spec.json'), 'utf8'))).toEqual(spec);
    expect(JSON.parse(readFileSync(path.join(spec.jobDir, JOB_FILES.submission), 'utf8'))).toMatchObject({ slurmJobId: '100', jobId: 't0001' });
    expect(JSON.parse(readFileSync(path.join(spec.jobDir, 'result.json'), 'utf8')).status).toBe('completed');
    await ex.close();
  });

  it('cancels with scancel when the study aborts, and when the job runs past its exact time limit', async () => {
    const fake = new FakeSlurm();
    fake.nextPlan = [
      { state: 'RUNNING', elapsedSec: 1 },
      { state: 'RUNNING', elapsedSec: 2 },
      { state: 'RUNNING', elapsedSec: 3 },
      { state: 'RUNNING', elapsedSec: 4 },
    ];
    const ex = make(fake);
    const ctl = new AbortController();
    const p = ex.submit(faultSpec('hang'), noRunnerCtx(ctl.signal));
    setTimeout(() => ctl.abort(), 150);
    expect(await p).toMatchObject({ status: 'cancelled', error: { type: 'Cancelled', message: 'cancelled by the study (scancel 100)' } });
    expect(fake.cancelled).toEqual(['100']);

    // an scancel that fails (the controller does not answer) is sent again on the next poll
    fake.cancelFailures = 2;
    fake.nextPlan = Array.from({ length: 20 }, () => ({ state: 'RUNNING', elapsedSec: 1 }));
    const again = new AbortController();
    const retried = ex.submit(faultSpec('hang'), noRunnerCtx(again.signal));
    setTimeout(() => again.abort(), 150);
    expect(await retried).toMatchObject({ status: 'cancelled', error: { message: 'cancelled by the study (scancel 101)' } });
    expect(fake.cancelled).toEqual(['100', '101', '101', '101']);
    fake.nextPlan = [
      { state: 'RUNNING', elapsedSec: 1 },
      { state: 'RUNNING', elapsedSec: 2 },
      { state: 'RUNNING', elapsedSec: 3 },
      { state: 'RUNNING', elapsedSec: 4 },
    ];

    const timed = await ex.submit(faultSpec('hang', { timeLimitSec: 3 }), noRunnerCtx());
    expect(timed.status).toBe('timeout');
    expect(timed.error).toMatchObject({ type: 'Timeout' });
    expect(timed.error!.message).toMatch(/time limit of 3 s; the executor cancelled Slurm job 102/);
    expect(fake.cancelled).toEqual(['100', '101', '101', '101', '102']);
  });

  it('classifies a job cancelled from outside, a non-zero exit, a malformed result and a missing one', async () => {
    const fake = new FakeSlurm();
    const ex = make(fake);
    fake.nextPlan = [{ state: 'RUNNING' }, { state: 'CANCELLED' }];
    expect(await ex.submit(faultSpec('hang'), noRunnerCtx())).toMatchObject({
      status: 'cancelled',
      error: { type: 'Cancelled', message: expect.stringMatching(/cancelled outside the study/) },
    });
    expect(fake.cancelled).toEqual([]);

    fake.nextPlan = [{ state: 'FAILED', exitCode: 3 }];
    expect(await ex.submit(faultSpec('exit'), noRunnerCtx())).toMatchObject({ status: 'failed', error: { type: 'ExitCode', exitCode: 3 } });

    const bad = faultSpec('badresult');
    fake.nextPlan = [
      () => {
        mkdirSync(bad.jobDir, { recursive: true });
        writeFileSync(path.join(bad.jobDir, 'result.json'), JSON.stringify({ schemaVersion: 1, jobId: 't0001', status: 'done' }));
      },
      { state: 'COMPLETED', exitCode: 0 },
    ];
    const m = await ex.submit(bad, noRunnerCtx());
    expect(m).toMatchObject({ status: 'failed', error: { type: 'BadResult' } });
    expect(m.error!.message).toContain(path.join(bad.jobDir, 'result.json'));
    expect(m.error!.message).toMatch(/status/);

    fake.nextPlan = [{ state: 'COMPLETED', exitCode: 0 }];
    expect(await ex.submit(faultSpec('ok'), noRunnerCtx())).toMatchObject({
      status: 'failed',
      error: { type: 'BadResult', message: expect.stringMatching(/exited 0 but wrote no/) },
    });

    const thrown = faultSpec('throw');
    fake.nextPlan = [
      () => writeRunnerResult(thrown, { status: 'failed', error: { type: 'RunnerError', message: 'broken on purpose' } }),
      { state: 'FAILED', exitCode: 1 },
    ];
    expect(await ex.submit(thrown, noRunnerCtx())).toMatchObject({ status: 'failed', error: { type: 'RunnerError', message: 'broken on purpose' } });
  });

  it('never throws: a refused submission and an unreachable Slurm become failed manifests', async () => {
    const fake = new FakeSlurm();
    fake.submitError = new SlurmCommandError('sbatch', 'Batch job submission failed: Invalid partition name specified');
    const ex = make(fake, { partition: 'nope' });
    expect(await ex.submit(faultSpec('ok'), noRunnerCtx())).toMatchObject({
      status: 'failed',
      error: { type: 'SubmitError', message: 'sbatch: Batch job submission failed: Invalid partition name specified' },
    });
    fake.submitError = undefined;
    fake.queueError = new SlurmCommandError('squeue', 'Unable to contact slurm controller', '', true);
    const down = make(fake, { unreachableTimeoutSec: 0.3 });
    expect(await down.submit(faultSpec('ok'), noRunnerCtx())).toMatchObject({ status: 'failed', error: { type: 'SlurmUnreachable' } });
  });

  it('keeps at most maxConcurrency jobs in Slurm at once', async () => {
    const fake = new FakeSlurm();
    fake.nextPlan = [{ state: 'RUNNING' }, { state: 'FAILED', exitCode: 2 }];
    const ex = make(fake, { maxConcurrency: 1 });
    expect(ex.maxConcurrency).toBe(1);
    const seen: number[] = [];
    const origQueue = fake.queue.bind(fake);
    fake.queue = async (ids) => {
      seen.push(ids.length);
      return origQueue(ids);
    };
    const all = await Promise.all([ex.submit(faultSpec('exit'), noRunnerCtx()), ex.submit(faultSpec('exit'), noRunnerCtx())]);
    expect(all.map((m) => m.error?.exitCode)).toEqual([2, 2]);
    expect(Math.max(...seen)).toBe(1);
  });

  it('re-attaches to a running job, refuses a reused id and gives up on a job Slurm forgot without a trace', async () => {
    const fake = new FakeSlurm();
    const spec = faultSpec('ok');
    fake.nextPlan = [{ state: 'RUNNING' }, { state: 'RUNNING' }, { state: 'RUNNING' }];
    const first = make(fake);
    let handle = { jobId: '', externalId: '' };
    void first.submit(spec, noRunnerCtx(), (h) => (handle = { jobId: h.jobId, externalId: h.externalId! }));
    await new Promise((r) => setTimeout(r, 50));
    await first.close(); // the study process dies; the job runs on
    const second = make(fake);
    fake.plans.set(handle.externalId, [{ state: 'RUNNING' }, () => writeRunnerResult(spec), { state: 'COMPLETED', exitCode: 0 }]);
    expect(await second.reattach(spec, handle, noRunnerCtx())).toMatchObject({ status: 'completed', metrics: { steps: 2 } });
    expect(fake.submitted).toHaveLength(1);

    fake.jobs.get(handle.externalId)!.workDir = '/somewhere/else';
    expect(await second.reattach(spec, handle, noRunnerCtx())).toBeUndefined();
    fake.jobs.get(handle.externalId)!.forgotten = true;
    const other = faultSpec('ok');
    expect(await second.reattach(other, { jobId: 't0001', externalId: handle.externalId }, noRunnerCtx())).toBeUndefined();
    expect(await second.reattach(spec, { jobId: 't0001' }, noRunnerCtx())).toBeUndefined();
    // Forgotten by Slurm, but the job's files say how it ended.
    expect(await second.reattach(spec, handle, noRunnerCtx())).toMatchObject({ status: 'completed' });
  });

  it("runs again a job that ended cancelled (the last study's interruption scancelled it), unless this study is interrupted too", async () => {
    const fake = new FakeSlurm();
    const spec = faultSpec('hang');
    fake.nextPlan = [{ state: 'RUNNING' }, { state: 'RUNNING' }, { state: 'RUNNING' }];
    const first = make(fake);
    const ctl = new AbortController();
    let handle = { jobId: '', externalId: '' };
    const p = first.submit(spec, noRunnerCtx(ctl.signal), (h) => (handle = { jobId: h.jobId, externalId: h.externalId! }));
    setTimeout(() => ctl.abort(), 150);
    expect(await p).toMatchObject({ status: 'cancelled', error: { message: `cancelled by the study (scancel ${handle.externalId})` } });
    // resume: Slurm says CANCELLED; the trial's job is submitted again (undefined), not a failure
    const second = make(fake);
    expect(fake.jobs.get(handle.externalId)!.state).toBe('CANCELLED');
    expect(await second.reattach(spec, handle, noRunnerCtx())).toBeUndefined();
    // the same once Slurm forgot the job and only its folder tells (the batch script saw a signal)
    fake.jobs.get(handle.externalId)!.forgotten = true;
    writeFileSync(path.join(spec.jobDir, JOB_FILES.status), JSON.stringify({ state: 'terminated', exitCode: 143, signal: 'TERM' }));
    expect(await second.reattach(spec, handle, noRunnerCtx())).toBeUndefined();
    // a job still running when the study died, then cancelled while the resumed study follows it
    fake.jobs.get(handle.externalId)!.forgotten = false;
    fake.jobs.get(handle.externalId)!.scancelled = false;
    fake.jobs.get(handle.externalId)!.state = 'RUNNING';
    fake.plans.set(handle.externalId, [{ state: 'RUNNING' }, (id) => void fake.cancel(id)]);
    expect(await second.reattach(spec, handle, noRunnerCtx())).toBeUndefined();
    // ... but an interrupted resume keeps the cancelled manifest (the study is stopping, not re-running)
    fake.jobs.get(handle.externalId)!.scancelled = false;
    fake.jobs.get(handle.externalId)!.state = 'RUNNING';
    fake.plans.set(handle.externalId, [{ state: 'RUNNING' }, { state: 'RUNNING' }, { state: 'RUNNING' }]);
    const stop = new AbortController();
    const q = second.reattach(spec, handle, noRunnerCtx(stop.signal));
    setTimeout(() => stop.abort(), 150);
    expect(await q).toMatchObject({ status: 'cancelled', error: { type: 'Cancelled' } });
  });
});

describe('resubmission', () => {
  it('cancels a still-running earlier Slurm job of the same job folder before submitting again', async () => {
    const fake = new FakeSlurm();
    const spec = faultSpec('ok');
    fake.nextPlan = [{ state: 'RUNNING' }];
    const first = new SlurmExecutor({ ...fast }, { cli: fake, env: {} });
    void first.submit(spec, noRunnerCtx());
    await new Promise((r) => setTimeout(r, 50));
    await first.close(); // crashed before its job was journaled: the study will submit again
    fake.nextPlan = [{ state: 'FAILED', exitCode: 1 }];
    const second = new SlurmExecutor({ ...fast }, { cli: fake, env: {} });
    await second.submit(spec, noRunnerCtx());
    expect(fake.cancelled).toEqual(['100']);
    expect(fake.submitted).toHaveLength(2);
  });
});
