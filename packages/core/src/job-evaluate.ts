import path from 'node:path';
import { createEvaluators, makeFactoryContext } from './factories.js';
import type { Aggregator } from './aggregator.js';
import type { Evaluator, TaskResult, TaskSpec } from './evaluator.js';
import type { TrialRecord } from './trial.js';
import type { EarlyStopSpec, JobEvaluation, JobSpec } from './jobs.js';
import { earlyStopCheck } from './kit/early-stop.js';
import type { PoolObject } from './objects.js';
import type { Registry } from './registry.js';
import { producedModel } from './trial-record.js';
import { bootstrapMeanInterval } from './kit/bootstrap.js';

/** The model a job produced, as evaluators see it (its output folder, before the study commits it). */
function jobOutputObject(spec: JobSpec): PoolObject {
  return producedModel({
    id: spec.jobId,
    name: spec.jobId,
    kind: 'models',
    path: spec.outputDir,
    action: { key: spec.actionKey, name: spec.action, inputs: spec.inputs },
  });
}

/**
 * In-job evaluation: creates the evaluators the job's tasks name (from plugins loaded in this
 * process) and scores the job's output on the validation split, writing per-item results under
 * `jobDir/eval`. Runs where the job runs (a child process, a Slurm node with the job's GPUs).
 */
export function jobEvaluation(spec: JobSpec, evaluation: JobEvaluation, registry: Registry, env: Readonly<Record<string, string | undefined>>) {
  return async (ctx: { signal: AbortSignal; log(line: string): void }): Promise<TaskResult[]> => {
    const fctx = makeFactoryContext(registry, evaluation.configDir, evaluation.studySeed, env);
    const evaluators = await createEvaluators(registry, evaluation.tasks, evaluation.evaluators, fctx);
    return scoreOnValidation(evaluators, jobOutputObject(spec), evaluation.tasks, {
      signal: ctx.signal,
      jobDir: spec.jobDir,
      seed: spec.seed,
      log: ctx.log,
      ...(evaluation.earlyStop ? { earlyStop: evaluation.earlyStop } : {}),
    });
  };
}

/**
 * Score a model on every task's validation split with the task's evaluator, one task after another,
 * per-item results under `jobDir/eval`. The one evaluation loop: in the job and in the study process.
 * With `earlyStop` (issue 19), every task is first scored on growing first slices (`looks`), and the loop ends
 * at the first look where the reward is clearly below the threshold (`earlyStopCheck`): the results are then the
 * slices' scores, each marked `partial`. Otherwise every task is scored in full.
 */
export async function scoreOnValidation(
  evaluators: ReadonlyMap<string, Evaluator>,
  model: PoolObject,
  tasks: readonly TaskSpec[],
  ctx: { signal: AbortSignal; jobDir: string; seed: number; log(line: string): void; earlyStop?: EarlyStopSpec },
): Promise<TaskResult[]> {
  const once = async (task: TaskSpec, slice?: number): Promise<TaskResult> => {
    const ev = evaluators.get(task.evaluator);
    if (!ev) throw new Error(`no evaluator "${task.evaluator}" for task ${task.name}`);
    const t0 = performance.now();
    const outDir = path.join(ctx.jobDir, 'eval');
    const r = await ev.evaluate(model, task, {
      signal: ctx.signal,
      split: 'validation',
      outDir,
      seed: ctx.seed,
      log: ctx.log,
      ...(slice !== undefined ? { slice } : {}),
    });
    const part = slice !== undefined && r.total !== undefined && r.n !== undefined && r.n < r.total ? ` on ${r.n}/${r.total} items` : '';
    ctx.log(`evaluated ${task.name}${part}: ${r.metric} ${r.score} (${((performance.now() - t0) / 1000).toFixed(2)} s)`);
    return r;
  };
  const es = ctx.earlyStop;
  if (es) {
    for (const slice of es.looks) {
      const sliced: TaskResult[] = [];
      for (const task of tasks) sliced.push(await once(task, slice));
      const check = earlyStopCheck(
        sliced.map((r, i) => ({
          scores: r.itemScores ?? [],
          total: r.total ?? r.n ?? 0,
          range: [0, tasks[i]!.max],
          weight: es.weights[r.task] ?? 0,
        })),
        es.threshold,
        { alpha: es.alpha, looks: es.looks.length },
      );
      if (check.stop) {
        ctx.log(
          `early stop at ${slice}: reward ${check.estimate.toFixed(4)} [${check.lo.toFixed(4)}, ${check.hi.toFixed(4)}] is below the threshold ${es.threshold.toFixed(4)} (${check.items} items)`,
        );
        const partial = { slice, estimate: check.estimate, lo: check.lo, hi: check.hi, threshold: es.threshold };
        return sliced.map((r) => ({ ...withInterval(r), partial }));
      }
      // An evaluator that ignored the slice scored everything: nothing more to save.
      if (sliced.every((r) => r.total === undefined || r.n === undefined || r.n >= r.total)) return sliced.map(withInterval);
    }
  }
  const results: TaskResult[] = [];
  for (const task of tasks) results.push(withInterval(await once(task)));
  return results;
}

/**
 * A task result with its 95% bootstrap interval (issue 19): computed from the evaluator's `itemScores` (seed 0, so the
 * same per-item results give the same interval), which are then dropped; an interval the evaluator gave is kept.
 */
export function withInterval(r: TaskResult): TaskResult {
  const { itemScores, ...rest } = r;
  if (rest.interval || !itemScores || itemScores.length === 0 || !itemScores.every(Number.isFinite)) return rest;
  const iv = bootstrapMeanInterval(itemScores);
  return { ...rest, interval: { lo: iv.lo, hi: iv.hi } };
}

/**
 * The early-stopping spec for the next evaluation (issue 19): config `earlyStop` with the threshold, the topK-th best
 * reward of the complete trials so far (undefined before there are topK of them), and each task's weight in the reward,
 * read off the aggregator by scoring one task at a time (exact for linear aggregators: mean, weighted-sum). The study
 * and the replay benchmark (`packages/eval-suites/bench/early-stop.bench.mjs`) both decide with it and `earlyStopCheck`.
 */
export function earlyStopSpec(
  config: { looks: number[]; alpha: number } | undefined,
  history: Iterable<TrialRecord>,
  topK: number,
  aggregator: Aggregator,
  tasks: readonly TaskSpec[],
): EarlyStopSpec | undefined {
  if (!config) return undefined;
  const rewards: number[] = [];
  for (const t of history) if (t.state === 'complete' && t.reward !== undefined) rewards.push(t.reward);
  rewards.sort((a, b) => b - a);
  if (rewards.length < topK) return undefined;
  const all = [...tasks];
  const agg = (one?: string): number =>
    aggregator.aggregate(
      all.map((t) => ({ task: t.name, metric: t.metric, score: t.name === one ? 1 : 0, split: 'validation' as const })),
      all,
    );
  const zero = agg();
  return { looks: config.looks, alpha: config.alpha, threshold: rewards[topK - 1]!, weights: Object.fromEntries(all.map((t) => [t.name, agg(t.name) - zero])) };
}
