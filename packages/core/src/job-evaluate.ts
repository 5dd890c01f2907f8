import path from 'node:path';
import { createEvaluators, makeFactoryContext } from './factories.js';
import type { Evaluator, TaskResult, TaskSpec } from './evaluator.js';
import type { JobEvaluation, JobSpec } from './jobs.js';
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
    return scoreOnValidation(evaluators, jobOutputObject(spec), evaluation.tasks, { signal: ctx.signal, jobDir: spec.jobDir, seed: spec.seed, log: ctx.log });
  };
}

/**
 * Score a model on every task's validation split with the task's evaluator, one task after another,
 * per-item results under `jobDir/eval`. The one evaluation loop: in the job and in the study process.
 */
export async function scoreOnValidation(
  evaluators: ReadonlyMap<string, Evaluator>,
  model: PoolObject,
  tasks: readonly TaskSpec[],
  ctx: { signal: AbortSignal; jobDir: string; seed: number; log(line: string): void },
): Promise<TaskResult[]> {
  const results: TaskResult[] = [];
  for (const task of tasks) {
    const ev = evaluators.get(task.evaluator);
    if (!ev) throw new Error(`no evaluator "${task.evaluator}" for task ${task.name}`);
    const t0 = performance.now();
    const r = await ev.evaluate(model, task, { signal: ctx.signal, split: 'validation', outDir: path.join(ctx.jobDir, 'eval'), seed: ctx.seed, log: ctx.log });
    ctx.log(`evaluated ${task.name}: ${r.metric} ${r.score} (${((performance.now() - t0) / 1000).toFixed(2)} s)`);
    results.push(withInterval(r));
  }
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
