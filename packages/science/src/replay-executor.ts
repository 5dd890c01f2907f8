import { mkdirSync } from 'node:fs';
import path from 'node:path';
import {
  type Executor,
  type ExecutorContext,
  type Factory,
  type JobHandle,
  type JobSpec,
  type PoolObject,
  type ResultManifest,
  type TaskResult,
  type TaskSpec,
} from '@lamdagent/core';
import { InProcessExecutor, writeFileAtomic } from '@lamdagent/core/kit';
import { z } from 'zod';
import { readTable, type BenchTable } from './table.js';

export const ReplayOptionsSchema = z
  .object({
    table: z.string().min(1).describe('Table file (lamdagent bench export), relative to the config file.'),
    fill: z.boolean().default(false).describe('Run an action that is not in the table for real (in-process) and add it to the table.'),
  })
  .strict();
export type ReplayOptions = z.infer<typeof ReplayOptionsSchema>;

/** The error type of a trial whose action is not in the table (counted by `compare` as a miss). */
export const TABLE_MISS = 'TableMiss';
/** Metric set on a trial that `fill` ran for real because the table missed it. */
export const TABLE_FILL = 'tableFill';

/**
 * Answers a study's actions from a tabular benchmark in milliseconds: the job's validation scores are
 * the table's, its output folder holds a `replay.json` marker instead of a model (later actions are
 * answered by their key, never by reading it). An action not in the table fails as a `TableMiss`
 * (never silently scored) or, with `fill`, runs for real and joins the table.
 */
export class ReplayExecutor implements Executor {
  readonly name = 'replay';
  readonly #file: string;
  readonly #fill: boolean;
  readonly #real = new InProcessExecutor();
  hits = 0;
  misses = 0;

  constructor(file: string, fill: boolean) {
    this.#file = file;
    this.#fill = fill;
    this.table = readTable(file);
  }

  readonly table: BenchTable;

  async submit(spec: JobSpec, ctx: ExecutorContext, onStarted?: (h: JobHandle) => void): Promise<ResultManifest> {
    const entry = this.table.entries[spec.actionKey];
    if (!entry) {
      this.misses++;
      if (this.#fill) return this.#runForReal(spec, ctx, onStarted);
      return {
        schemaVersion: 1,
        jobId: spec.jobId,
        status: 'failed',
        metrics: {},
        resources: { wallSec: 0, gpus: 0, gpuHours: 0 },
        logs: [],
        error: {
          type: TABLE_MISS,
          message: `action ${spec.action}(${spec.inputs.map((i) => i.name).join(', ')}) [${spec.actionKey.slice(0, 12)}] is not in the table ${this.#file}`,
        },
      };
    }
    this.hits++;
    onStarted?.({ jobId: spec.jobId });
    mkdirSync(spec.outputDir, { recursive: true });
    writeFileAtomic(path.join(spec.outputDir, 'replay.json'), JSON.stringify({ actionKey: spec.actionKey, table: this.#file, chain: entry.chain }), {
      durable: false,
    });
    const tasks = spec.evaluation?.tasks.map((t) => t.name) ?? Object.keys(entry.validation);
    const evaluations = tasks
      .filter((t) => entry.validation[t] !== undefined)
      .map((t) => ({
        task: t,
        metric: spec.evaluation?.tasks.find((x) => x.name === t)?.metric ?? 'acc',
        score: entry.validation[t]!,
        split: 'validation' as const,
      }));
    return {
      schemaVersion: 1,
      jobId: spec.jobId,
      status: 'completed',
      artifact: spec.outputDir,
      metrics: { replaySeconds: entry.seconds },
      resources: { wallSec: 0, gpus: 0, gpuHours: 0 },
      logs: [],
      evaluations,
      stages: { evaluate: 0 },
    };
  }

  /** An initial model's validation scores from the table (tables exported from studies that scored them); undefined otherwise. */
  async initialScores(model: PoolObject, tasks: readonly TaskSpec[]): Promise<TaskResult[] | undefined> {
    const known = this.table.initial?.[model.digest];
    if (!known || tasks.some((t) => known.validation[t.name] === undefined)) return undefined;
    return tasks.map((t) => ({ task: t.name, metric: t.metric, score: known.validation[t.name]!, split: 'validation' as const }));
  }

  /** `fill`: run the action for real, in-process (the study then scores it); `bench export` (which `compare --fill` runs after its studies) adds it to the table. */
  async #runForReal(spec: JobSpec, ctx: ExecutorContext, onStarted?: (h: JobHandle) => void): Promise<ResultManifest> {
    const m = await this.#real.submit(spec, ctx, onStarted);
    return { ...m, metrics: { ...m.metrics, [TABLE_FILL]: 1 } };
  }
}

export const replayExecutorFactory: Factory<Executor, ReplayOptions> = {
  name: 'replay',
  description: 'answers actions from a tabular benchmark (lamdagent bench export); misses fail as TableMiss, or run and join the table with fill',
  optionsSchema: ReplayOptionsSchema as unknown as z.ZodType<ReplayOptions>,
  create: (o, ctx) => new ReplayExecutor(path.resolve(ctx.configDir, o.table), o.fill),
};
