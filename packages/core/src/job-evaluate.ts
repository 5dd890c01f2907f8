import path from 'node:path';
import { createEvaluators, makeFactoryContext } from './factories.js';
import type { TaskResult } from './evaluator.js';
import type { JobEvaluation, JobSpec } from './jobs.js';
import type { PoolObject } from './objects.js';
import type { Registry } from './registry.js';
import { producedModel } from './trial-record.js';

/** The model a job produced, as evaluators see it (its output folder, before the study commits it). */
function jobOutputObject(spec: JobSpec): PoolObject {
  return producedModel({ id: spec.jobId, name: spec.jobId, kind: 'models', path: spec.outputDir, action: { key: spec.actionKey, name: spec.action, inputs: spec.inputs } });
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
    const model = jobOutputObject(spec);
    const results: TaskResult[] = [];
    for (const task of evaluation.tasks) {
      const t0 = performance.now();
      const r = await evaluators.get(task.evaluator)!.evaluate(model, task, { signal: ctx.signal, split: 'validation', outDir: path.join(spec.jobDir, 'eval'), seed: spec.seed, log: ctx.log });
      ctx.log(`evaluated ${task.name}: ${r.metric} ${r.score} (${((performance.now() - t0) / 1000).toFixed(2)} s)`);
      results.push(r);
    }
    return results;
  };
}
