import { mkdirSync } from 'node:fs';
import path from 'node:path';
import {
  actionSeed,
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
import { isReplayMarker, markerJob, materializeModel, MaterializeError, REPLAY_MARKER, type MaterializeContext } from './materialize.js';
import { readTable, type BenchTable } from './table.js';

export const ReplayOptionsSchema = z
  .object({
    table: z.string().min(1).describe('Table file (lamdagent bench export), relative to the config file.'),
    fill: z
      .boolean()
      .default(false)
      .describe(
        'Run an action that is not in the table for real (in-process) and add it to the table; an input model the table answered is made for real first.',
      ),
  })
  .strict();
export type ReplayOptions = z.infer<typeof ReplayOptionsSchema>;

/** The error type of a trial whose action is not in the table (counted by `compare` as a miss). */
export const TABLE_MISS = 'TableMiss';
/** Metric set on a trial that `fill` ran for real because the table missed it. */
export const TABLE_FILL = 'tableFill';
/** Metric of a `fill` trial: how many models the table had answered (markers) it made for real first, its inputs' chains included. */
export const TABLE_FILL_PARENTS = 'tableFillParents';
/** Metric of a `fill` trial: seconds spent making those models (inside its execute time; `bench export` leaves them out of the action's seconds). */
export const TABLE_FILL_PARENTS_SEC = 'tableFillParentsSec';
/** Error type of a `fill` trial whose input model (a marker) could not be made for real. */
export const TABLE_FILL_PARENT_FAILED = 'TableFillParentFailed';

/**
 * Answers a study's actions from a tabular benchmark in milliseconds: the job's validation scores are
 * the table's, its output folder holds a `replay.json` marker instead of a model (later actions are
 * answered by their key, never by reading it). An action not in the table fails as a `TableMiss`
 * (never silently scored) or, with `fill`, runs for real and joins the table. The marker keeps the job
 * that makes the model (with the seed the table's model was trained with), so that `fill` can first make
 * for real an input model the table answered (materialize.ts), then run the missed action on it.
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
    // The seed the table's model was trained with (tables exported before entries kept it: the action-keyed seed of a shared cache, as `compare` runs).
    const job = markerJob(spec, entry.seed ?? actionSeed(spec.actionKey));
    writeFileAtomic(path.join(spec.outputDir, REPLAY_MARKER), JSON.stringify({ actionKey: spec.actionKey, table: this.#file, chain: entry.chain, job }), {
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

  /**
   * `fill`: run the action for real, in-process, with its action-keyed seed (the study then scores it); `bench export` (which
   * `compare --fill` runs after its studies) adds it to the table. An input model the table answered (a marker folder) is
   * first made for real, in place.
   */
  async #runForReal(spec: JobSpec, ctx: ExecutorContext, onStarted?: (h: JobHandle) => void): Promise<ResultManifest> {
    const x: MaterializeContext = { ctx, jobsDir: path.join(spec.jobDir, 'materialize'), count: { models: 0, seconds: 0 } };
    const metrics = (): Record<string, number> => ({
      [TABLE_FILL]: 1,
      [TABLE_FILL_PARENTS]: x.count.models,
      ...(x.count.seconds > 0 ? { [TABLE_FILL_PARENTS_SEC]: Math.round(x.count.seconds * 100) / 100 } : {}),
    });
    for (const input of spec.inputs) {
      if (typeof input.value !== 'string' || !isReplayMarker(input.value)) continue;
      try {
        await materializeModel(input.value, x);
      } catch (e) {
        const cancelled = (e instanceof MaterializeError && e.cancelled) || ctx.signal.aborted;
        return {
          schemaVersion: 1,
          jobId: spec.jobId,
          status: cancelled ? 'cancelled' : 'failed',
          metrics: metrics(),
          resources: { wallSec: x.count.seconds, gpus: 0, gpuHours: 0 },
          logs: [],
          error: {
            type: cancelled ? 'Cancelled' : TABLE_FILL_PARENT_FAILED,
            message: `input ${input.name} was answered by the table; making it for real failed: ${(e as Error).message}`,
          },
        };
      }
    }
    // Seeded by action key, as a shared action cache seeds: the same action filled by several studies (a comparison's seeds)
    // makes one model, the one its table entry describes and that a later `fill` makes again where the table answers it.
    const m = await this.#real.submit({ ...spec, seed: actionSeed(spec.actionKey) }, ctx, onStarted);
    return { ...m, metrics: { ...m.metrics, ...metrics() } };
  }
}

export const replayExecutorFactory: Factory<Executor, ReplayOptions> = {
  name: 'replay',
  description: 'answers actions from a tabular benchmark (lamdagent bench export); misses fail as TableMiss, or run and join the table with fill',
  optionsSchema: ReplayOptionsSchema as unknown as z.ZodType<ReplayOptions>,
  create: (o, ctx) => new ReplayExecutor(path.resolve(ctx.configDir, o.table), o.fill),
};
