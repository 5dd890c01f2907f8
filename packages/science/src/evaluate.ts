import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestOnlyTasks } from './test-tasks.js';
import { createEvaluators, withInterval, type Aggregator, type Assembly, type Registry, type TaskResult } from '@lamdagent/core';

/** Scores model folders on a split with a study's own evaluators and aggregator. */
export interface SplitScorer {
  /**
   * Each task's result on `split`, with its 95% bootstrap interval (core's `withInterval`: the same seed rule, so the
   * same per-item results give the interval a trial-end journals) and the judge's tokens (`usage`) where an LLM scored.
   */
  results(modelPath: string, id: string, split: 'validation' | 'test', seed: number): Promise<TaskResult[]>;
  scores(modelPath: string, id: string, split: 'validation' | 'test', seed: number): Promise<Record<string, number>>;
  reward(scores: Record<string, number>, split: 'validation' | 'test'): number;
}

export async function splitScorer(
  assembly: Assembly,
  registry: Registry,
  signal: AbortSignal = new AbortController().signal,
  testOnly?: TestOnlyTasks,
): Promise<SplitScorer> {
  const evaluators = await createEvaluators(registry, assembly.tasks, assembly.evaluators, assembly.factoryContext);
  // Tasks scored on the test split only (`--test-tasks`), with their own evaluators.
  const extra = testOnly
    ? {
        tasks: testOnly.assembly.tasks,
        evaluators: await createEvaluators(testOnly.registry, testOnly.assembly.tasks, testOnly.assembly.evaluators, testOnly.assembly.factoryContext),
      }
    : undefined;
  const aggregator: Aggregator = await registry.aggregatorFactory(assembly.aggregation.name).create(assembly.aggregation.options, assembly.factoryContext);
  const outRoot = mkdtempSync(path.join(tmpdir(), 'lamdagent-eval-'));
  const results = async (modelPath: string, id: string, split: 'validation' | 'test', seed: number): Promise<TaskResult[]> => {
    const out: TaskResult[] = [];
    const jobs = [
      ...assembly.tasks.map((task) => ({ task, ev: evaluators.get(task.evaluator)! })),
      ...(split === 'test' && extra ? extra.tasks.map((task) => ({ task, ev: extra.evaluators.get(task.evaluator)! })) : []),
    ];
    for (const { task, ev } of jobs) {
      const model = { id, kind: 'models', type: 'model', name: id, value: modelPath, digest: `eval:${id}` };
      out.push(withInterval(await ev.evaluate(model, task, { signal, split, outDir: path.join(outRoot, id), seed, log: () => undefined })));
    }
    return out;
  };
  return {
    results,
    async scores(modelPath, id, split, seed) {
      return Object.fromEntries((await results(modelPath, id, split, seed)).map((r) => [r.task, r.score]));
    },
    reward(scores, split) {
      const results: TaskResult[] = assembly.tasks
        .filter((t) => scores[t.name] !== undefined)
        .map((t) => ({ task: t.name, metric: t.metric, score: scores[t.name]!, split }));
      return aggregator.aggregate(
        results,
        assembly.tasks.filter((t) => scores[t.name] !== undefined),
      );
    },
  };
}
