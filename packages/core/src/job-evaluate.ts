import path from 'node:path';
import { createEvaluators, makeFactoryContext } from './factories.js';
import type { Aggregator } from './aggregator.js';
import type { Evaluator, TaskResult, TaskSpec } from './evaluator.js';
import type { TrialRecord } from './trial.js';
import type { EarlyStopSpec, JobEvaluation, JobSpec } from './jobs.js';
import { earlyStopCheck, earlyStopCheckMonotone, type EarlyStopDecision } from './kit/early-stop.js';
import { Rng } from './kit/rng.js';
import type { JsonValue } from './json.js';
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
    const es = evaluation.earlyStop;
    let aggregator: Aggregator | undefined;
    if (es?.mode === 'monotone' && es.aggregation && !es.fallback) {
      try {
        aggregator = await registry.aggregatorFactory(es.aggregation.name).create(es.aggregation.options, fctx);
      } catch (e) {
        ctx.log(`early stopping: the aggregator ${es.aggregation.name} could not be built in the job (${(e as Error).message})`);
      }
    }
    return scoreOnValidation(evaluators, jobOutputObject(spec), evaluation.tasks, {
      signal: ctx.signal,
      jobDir: spec.jobDir,
      seed: spec.seed,
      log: ctx.log,
      ...(es ? { earlyStop: es } : {}),
      ...(aggregator ? { aggregator } : {}),
    });
  };
}

/**
 * Score a model on every task's validation split with the task's evaluator, one task after another,
 * per-item results under `jobDir/eval`. The one evaluation loop: in the job and in the study process.
 * With `earlyStop` (issue 19), every task is first scored on growing first slices (`looks`), and the loop ends
 * at the first look where the reward is clearly below the threshold (`earlyStopCheck`): the results are then the
 * slices' scores, each marked `partial`. Otherwise every task is scored in full. A `monotone`-mode spec needs the
 * study's `aggregator` (else every task is scored in full); a spec with a `fallback` scores in full.
 */
export async function scoreOnValidation(
  evaluators: ReadonlyMap<string, Evaluator>,
  model: PoolObject,
  tasks: readonly TaskSpec[],
  ctx: { signal: AbortSignal; jobDir: string; seed: number; log(line: string): void; earlyStop?: EarlyStopSpec; aggregator?: Aggregator },
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
  // Monotone mode needs the aggregator: without it (a job process that could not build it), score in full.
  if (es && !es.fallback && (es.mode !== 'monotone' || ctx.aggregator)) {
    for (const slice of es.looks) {
      const sliced: TaskResult[] = [];
      for (const task of tasks) sliced.push(await once(task, slice));
      const check = earlyStopDecide(
        es,
        sliced.map((r, i) => ({ task: r.task, scores: r.itemScores ?? [], total: r.total ?? r.n ?? 0, range: r.range ?? [0, tasks[i]!.max] })),
        tasks,
        ctx.aggregator,
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
  } else if (es?.fallback) ctx.log(`early stopping off: ${es.fallback}`);
  else if (es) ctx.log(`early stopping off: the aggregator ${es.aggregation?.name ?? ''} could not be built here`);
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

/** One task's slice for `earlyStopDecide`: its first item scores, the split's item count, the item-score range. */
export interface EarlyStopSlice {
  task: string;
  scores: readonly number[];
  total: number;
  range: readonly [number, number];
}

/**
 * The early-stopping decision on one look (issue 19): linear mode with the spec's weights (`earlyStopCheck`), monotone
 * mode with the aggregator at the per-task bounds (`earlyStopCheckMonotone`). The evaluation loop and the replay
 * benchmark both decide with it.
 */
export function earlyStopDecide(
  spec: EarlyStopSpec,
  slices: readonly EarlyStopSlice[],
  tasks: readonly TaskSpec[],
  aggregator?: Aggregator,
): EarlyStopDecision {
  const o = { alpha: spec.alpha, looks: spec.looks.length };
  const sliceTasks = slices.map((x) => ({ scores: x.scores, total: x.total, range: x.range, weight: spec.weights[x.task] ?? 0 }));
  if (spec.mode !== 'monotone') return earlyStopCheck(sliceTasks, spec.threshold, o);
  if (!aggregator) throw new Error('earlyStopDecide: monotone mode needs the aggregator');
  const all = [...tasks];
  const aggregate = (means: readonly number[]): number =>
    aggregator.aggregate(
      all.map((t) => ({ task: t.name, metric: t.metric, score: means[slices.findIndex((x) => x.task === t.name)] ?? 0, split: 'validation' as const })),
      all,
    );
  return earlyStopCheckMonotone(sliceTasks, spec.threshold, o, aggregate);
}

/** How the reward depends on the task scores, as early stopping needs it: linear (weights), monotone, or neither (why). */
export type AggregatorShape =
  { kind: 'linear'; weights: Record<string, number> } | { kind: 'monotone'; declared: boolean } | { kind: 'unsound'; reason: string };

/**
 * Probe an aggregator over the tasks' score ranges ([0, max]) at seeded points: linear when it equals its constant plus
 * the weights (read off by scoring one task at a time) everywhere probed; otherwise monotone when it declares
 * `monotone: true`, or (no declaration) when no probe found it decreasing as one in-reward task's score rose; else
 * unsound, with the reason. Probes check, they do not prove: an aggregator should declare `monotone`.
 */
export function aggregatorShape(aggregator: Aggregator, tasks: readonly TaskSpec[]): AggregatorShape {
  const all = [...tasks];
  const at = (score: (t: TaskSpec) => number): number =>
    aggregator.aggregate(
      all.map((t) => ({ task: t.name, metric: t.metric, score: score(t), split: 'validation' as const })),
      all,
    );
  let zero: number;
  let weights: Record<string, number>;
  try {
    zero = at(() => 0);
    weights = Object.fromEntries(all.map((t) => [t.name, at((x) => (x.name === t.name ? 1 : 0)) - zero]));
  } catch (e) {
    return { kind: 'unsound', reason: `the aggregator ${aggregator.name} failed on probe scores (${(e as Error).message})` };
  }
  const rng = new Rng(0, 0x5107);
  const points = Array.from({ length: 32 }, () => new Map(all.map((t) => [t.name, rng.next() * t.max])));
  const tol = (v: number): number => 1e-9 * Math.max(1, Math.abs(v));
  let linear = Number.isFinite(zero) && Object.values(weights).every(Number.isFinite);
  for (const p of points) {
    if (!linear) break;
    const v = at((t) => p.get(t.name)!);
    const lin = zero + all.reduce((a, t) => a + weights[t.name]! * p.get(t.name)!, 0);
    if (!(Math.abs(v - lin) <= tol(v))) linear = false;
  }
  if (linear) return { kind: 'linear', weights };
  if (aggregator.monotone === true) return { kind: 'monotone', declared: true };
  if (aggregator.monotone === false)
    return { kind: 'unsound', reason: `the aggregator ${aggregator.name} is not linear and declares itself not monotone (monotone: false)` };
  for (const p of points) {
    for (const t of all.filter((x) => x.inReward)) {
      const base = at((x) => p.get(x.name)!);
      const up = Math.min(t.max, p.get(t.name)! + t.max / 8);
      const higher = at((x) => (x.name === t.name ? up : p.get(x.name)!));
      if (!Number.isFinite(base) || !Number.isFinite(higher) || higher < base - tol(base)) {
        const where = all.map((x) => `${x.name}=${p.get(x.name)!.toFixed(3)}`).join(', ');
        return {
          kind: 'unsound',
          reason: `the aggregator ${aggregator.name} is not linear and fell from ${base} to ${higher} when ${t.name} rose to ${up.toFixed(3)} (at ${where}); declare monotone: true if it cannot`,
        };
      }
    }
  }
  return { kind: 'monotone', declared: false };
}

/**
 * The early-stopping spec for the next evaluation (issue 19): config `earlyStop` with the threshold, the topK-th best
 * reward of the complete trials so far (undefined before there are topK of them), and how the reward is bounded
 * (`aggregatorShape`): linear aggregators (mean, weighted-sum) by their weights, monotone ones by the aggregate at the
 * per-task bounds (`aggregation` names it for a job process), others not at all (`fallback`: every candidate is scored
 * in full, the trial journals why). The study and the replay benchmark
 * (`packages/eval-suites/bench/early-stop.bench.mjs`) both decide with it and `earlyStopDecide`.
 */
export function earlyStopSpec(
  config: { looks: number[]; alpha: number } | undefined,
  history: Iterable<TrialRecord>,
  topK: number,
  aggregator: Aggregator,
  tasks: readonly TaskSpec[],
  aggregation?: { name: string; options: Record<string, JsonValue> },
): EarlyStopSpec | undefined {
  if (!config) return undefined;
  const rewards: number[] = [];
  for (const t of history) if (t.state === 'complete' && t.reward !== undefined) rewards.push(t.reward);
  rewards.sort((a, b) => b - a);
  if (rewards.length < topK) return undefined;
  const base = { looks: config.looks, alpha: config.alpha, threshold: rewards[topK - 1]! };
  const shape = aggregatorShape(aggregator, tasks);
  if (shape.kind === 'linear') return { ...base, mode: 'linear', weights: shape.weights };
  const weights = Object.fromEntries(tasks.map((t) => [t.name, t.inReward ? 1 : 0]));
  if (shape.kind === 'unsound') return { ...base, mode: 'linear', weights, fallback: shape.reason };
  return { ...base, mode: 'monotone', weights, ...(aggregation ? { aggregation } : {}) };
}
