import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ResultManifestSchema } from './jobs.js';
import { runStudy } from './study-run.js';
import { makeToyWorld } from '../test-fixtures/toy-world.js';

afterEach(() => {
  delete process.env['TOY_EVAL_LOG'];
});

/** Runs a toy study and returns its trials and which processes evaluated (pid per validation score). */
async function study(executor: string, extra: string): Promise<{ trials: Awaited<ReturnType<typeof runStudy>>['trials']; evalPids: number[]; out: string }> {
  const w = makeToyWorld({ iterations: 5, executor, extra });
  const evalLog = path.join(w.dir, 'eval.log');
  process.env['TOY_EVAL_LOG'] = evalLog;
  const out = path.join(w.dir, 's');
  const s = await runStudy({ configPath: w.configPath, outDir: out });
  const evalPids = existsSync(evalLog)
    ? readFileSync(evalLog, 'utf8')
        .trim()
        .split('\n')
        .map((l) => Number(l.split(' ')[0]))
    : [];
  return { trials: s.trials, evalPids, out };
}

const summary = (trials: Awaited<ReturnType<typeof runStudy>>['trials']): string[] =>
  trials.map((t) => `${t.index} ${t.state} ${t.action.key} ${JSON.stringify(t.scores)} ${t.reward}`);

describe('evaluateIn', () => {
  it('job (the default): a subprocess job scores its own model, with the same scores as the study process would', async () => {
    // Initial models are always scored in the study process: off here, so every score counted is a trial's.
    const inJob = await study('subprocess', 'scoreInitialModels: false\n');
    const inStudy = await study('subprocess', 'evaluateIn: study\nscoreInitialModels: false\n');
    expect(summary(inJob.trials)).toEqual(summary(inStudy.trials));
    const complete = inJob.trials.filter((t) => t.state === 'complete');
    expect(complete.length).toBeGreaterThan(0);
    // Every validation score of the in-job study came from a child process; the other study scored in this one.
    expect(inJob.evalPids).toHaveLength(complete.length * 2);
    expect(inJob.evalPids.every((p) => p !== process.pid)).toBe(true);
    expect(new Set(inJob.evalPids).size).toBe(complete.length);
    expect(inStudy.evalPids.every((p) => p === process.pid)).toBe(true);
    for (const t of complete) {
      // The job's manifest carries the scores and the time per stage; the trial splits execute and evaluate.
      const m = ResultManifestSchema.parse(
        JSON.parse(readFileSync(path.join(inJob.out, 'jobs', `t${String(t.index).padStart(4, '0')}`, 'result.json'), 'utf8')),
      );
      expect(m.evaluations?.map((r) => [r.task, r.score])).toEqual(Object.entries(t.scores));
      expect(m.stages?.['run']).toBeGreaterThan(0);
      expect(t.durations['evaluate']).toBe(Math.round(m.stages!['evaluate']! * 100) / 100);
      expect(t.durations['execute']).toBeGreaterThan(0);
      // The job's log shows the evaluation ran inside it.
      expect(readFileSync(m.logs[0]!, 'utf8')).toMatch(/evaluated ta: acc [\d.]+/);
    }
  });

  it('passes `evaluators:` options to the evaluator, in the job and in the study process', async () => {
    const plain = await study('inprocess', '');
    const scaledInJob = await study('subprocess', 'evaluators:\n  toy: { scale: 0.5 }\n');
    const scaledInStudy = await study('inprocess', 'evaluators:\n  toy: { scale: 0.5 }\n');
    const rewards = (x: typeof plain): number[] => x.trials.map((t) => t.reward ?? -1);
    expect(rewards(plain).some((r) => r > 0)).toBe(true);
    expect(rewards(scaledInJob)).toEqual(rewards(plain).map((r) => (r < 0 ? -1 : r * 0.5)));
    expect(rewards(scaledInStudy)).toEqual(rewards(scaledInJob));
  });

  it('an evaluator that throws inside the job fails the trial as EvaluationError, in the job and in the study process', async () => {
    for (const ex of ['subprocess', 'inprocess']) {
      const r = await study(ex, 'evaluators:\n  toy: { fail: true }\n');
      const ran = r.trials.filter((t) => t.cachedFrom === undefined);
      expect(ran.length).toBeGreaterThan(0);
      for (const t of ran) expect(t.error, ex).toMatchObject({ type: 'EvaluationError', message: expect.stringContaining('toy evaluator broke') });
    }
  });

  it('refuses options for an evaluator that does not exist, naming the path', async () => {
    const w = makeToyWorld({ extra: 'evaluators:\n  nosuch: { a: 1 }\n' });
    await expect(runStudy({ configPath: w.configPath, outDir: path.join(w.dir, 'never') })).rejects.toThrow(/evaluators\.nosuch: no evaluator "nosuch"/);
    expect(existsSync(path.join(w.dir, 'never'))).toBe(false);
  });
});
