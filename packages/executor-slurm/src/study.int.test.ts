import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { resumeStudy, runStudy } from '@lamdagent/core';
import { makeToyStudy } from '@lamdagent/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { JOB_FILES } from './sbatch.js';
import { PACKAGE_DIR, slurmGate } from './test-helpers.js';

const gate = slurmGate();

/** testkit's toy world (JSON-vector models) whose study runs every job through the slurm executor. */
function toyStudy(opts: { iterations: number; concurrency: number; sleepMs?: number; failFast?: boolean }): { dir: string; config: string } {
  const w = makeToyStudy({
    seed: 3,
    iterations: opts.iterations,
    policy: 'random-type',
    plugins: [PACKAGE_DIR],
    executor: { name: 'slurm', options: { pollIntervalMs: 250, jobNamePrefix: 'study' } },
    actions: {
      'toy-sft': { slots: ['models', 'datasets', 'lr'], params: { sleepMs: opts.sleepMs ?? 0 }, resources: { cpus: 1, memoryMb: 512, timeLimitSec: 120 } },
    },
    extra: { concurrency: opts.concurrency, failFast: opts.failFast ?? false },
  });
  return { dir: w.dir, config: w.configPath };
}

type Rec = { kind: string; index?: number; externalId?: string; executor?: string; trial?: { index: number; state: string } };
const journal = (dir: string): Rec[] =>
  existsSync(path.join(dir, 'journal.jsonl'))
    ? readFileSync(path.join(dir, 'journal.jsonl'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => {
          try {
            return JSON.parse(l) as Rec;
          } catch {
            return { kind: 'torn' };
          }
        })
    : [];

describe.skipIf(!gate.run)(gate.title('a study through Slurm'), () => {
  beforeAll(() => {
    if (!existsSync(path.join(PACKAGE_DIR, 'dist', 'index.js')))
      throw new Error(`${PACKAGE_DIR}/dist is missing: the study loads this plugin as a package (run npm run build in packages/executor-slurm)`);
  });

  it('runs a short toy study end to end with every job (and smoke run) a Slurm batch job', async () => {
    const w = toyStudy({ iterations: 4, concurrency: 2, failFast: true });
    const out = path.join(w.dir, 'out');
    const res = await runStudy({ configPath: w.config, outDir: out });
    expect(res.trials).toHaveLength(4);
    expect(
      res.trials.map((t) => (t.state === 'cached' ? 'complete' : t.state)),
      JSON.stringify(res.trials.map((t) => t.error ?? t.state)),
    ).toEqual(['complete', 'complete', 'complete', 'complete']);
    // (Which actions run depends on completion order with concurrency 2, so no claim on the reward's size.)
    expect(res.top[0]!.reward).toBeGreaterThanOrEqual(0);
    const jobs = journal(out).filter((r) => r.kind === 'job');
    const ran = res.trials.filter((t) => t.state === 'complete');
    expect(jobs, JSON.stringify({ jobs, ran: ran.map((t) => t.index) })).toHaveLength(ran.length);
    for (const j of jobs) expect(j).toMatchObject({ executor: 'slurm', externalId: expect.stringMatching(/^\d+$/) });
    for (const t of ran) {
      const sub = JSON.parse(readFileSync(path.join(out, 'jobs', `t${String(t.index).padStart(4, '0')}`, JOB_FILES.submission), 'utf8')) as { jobName: string };
      expect(sub.jobName).toMatch(/^study-t\d{4}-/);
      expect(existsSync(path.join(t.produced!.path, 'model.json'))).toBe(true);
      expect(t.resources?.wallSec, JSON.stringify(t)).toBeGreaterThan(0);
    }
    // Smoke runs of toy-sft went through Slurm too (their own job folders).
    const smokeRuns = ran
      .filter((t) => t.action.type === 'toy-sft')
      .map((t) => path.join(out, 'jobs', `t${String(t.index).padStart(4, '0')}`, 'smoke', JOB_FILES.submission));
    for (const f of smokeRuns) expect(existsSync(f)).toBe(true);
  }, 120_000);

  it('re-attaches to the running Slurm job after the study process is killed (kill -9) and resumed', async () => {
    const w = toyStudy({ iterations: 1, concurrency: 1, sleepMs: 6000 });
    const out = path.join(w.dir, 'out');
    const child = spawn(process.execPath, [path.join(PACKAGE_DIR, 'test-fixtures', 'run-study.mjs'), w.config, out], { stdio: 'ignore' });
    const deadline = Date.now() + 60_000;
    while (!journal(out).some((r) => r.kind === 'job')) {
      if (Date.now() > deadline) throw new Error('the study never journaled its Slurm job');
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const job = journal(out).find((r) => r.kind === 'job')!;
    expect(journal(out).some((r) => r.kind === 'trial-end')).toBe(false);

    const res = await resumeStudy({ dir: out });
    expect(res.trials).toHaveLength(1);
    const rec = journal(out);
    expect(rec.filter((r) => r.kind === 'job')).toEqual([job]); // not submitted again
    expect(rec.find((r) => r.kind === 'resume')).toMatchObject({ rerun: [job.index] });
    expect(res.trials[0]).toMatchObject({ index: job.index, state: 'complete' });
    const sub = JSON.parse(readFileSync(path.join(out, 'jobs', `t${String(job.index).padStart(4, '0')}`, JOB_FILES.submission), 'utf8')) as {
      slurmJobId: string;
    };
    expect(sub.slurmJobId).toBe(job.externalId);
  }, 120_000);

  it("a study's interruption (its abort signal: SIGINT/SIGTERM of lamdagent run) scancels the running job, journals the trial cancelled, and resume runs it again", async () => {
    const w = toyStudy({ iterations: 1, concurrency: 1, sleepMs: 60_000 });
    const out = path.join(w.dir, 'out');
    const ctl = new AbortController();
    const running = runStudy({ configPath: w.config, outDir: out, signal: ctl.signal });
    const deadline = Date.now() + 60_000;
    while (!journal(out).some((r) => r.kind === 'job')) {
      if (Date.now() > deadline) throw new Error('the study never journaled its Slurm job');
      await new Promise((r) => setTimeout(r, 100));
    }
    ctl.abort();
    const first = await running;
    expect(first.trials).toHaveLength(0);
    const job = journal(out).find((r) => r.kind === 'job')!;
    expect(journal(out).filter((r) => r.kind === 'cancel')).toMatchObject([
      { index: job.index, reason: `interrupted: Cancelled: cancelled by the study (scancel ${job.externalId})` },
    ]);
    // Slurm ended the job: scancel, not left running
    const squeue = spawnSync('squeue', ['-h', '-j', job.externalId!, '-o', '%T'], { encoding: 'utf8' });
    expect(squeue.stdout.trim()).not.toMatch(/RUNNING|PENDING/);

    // resume with a short job: the cancelled trial is submitted again and completes
    const snap = path.join(out, 'study.json');
    writeFileSync(snap, readFileSync(snap, 'utf8').replace('"sleepMs": 60000', '"sleepMs": 0'));
    const res = await resumeStudy({ dir: out });
    expect(
      res.trials.map((t) => [t.index, t.state]),
      JSON.stringify(res.trials.map((t) => t.error)),
    ).toEqual([[job.index, 'complete']]);
    const jobs = journal(out).filter((r) => r.kind === 'job');
    expect(jobs).toHaveLength(2);
    expect(jobs[1]!.externalId).not.toBe(job.externalId);
  }, 180_000);
});
