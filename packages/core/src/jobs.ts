import { z } from 'zod';
import { JsonValueSchema } from './json.js';

/** Resources a job asks for (honoured by executors that schedule, e.g. Slurm). */
export const ResourcesSchema = z.object({
  gpus: z.number().int().min(0).default(0),
  cpus: z.number().int().min(1).default(1),
  memoryMb: z.number().int().min(1).optional(),
  timeLimitSec: z.number().positive().optional(),
});
export type Resources = z.infer<typeof ResourcesSchema>;

export const JobInputSchema = z.object({
  slot: z.string(),
  id: z.string(),
  name: z.string(),
  type: z.string(),
  value: JsonValueSchema,
  digest: z.string(),
});
export type JobInput = z.infer<typeof JobInputSchema>;

/** A target task as a job carries it (see `TaskSpec`). */
export const TaskSpecSchema = z.object({
  name: z.string(),
  evaluator: z.string(),
  metric: z.string(),
  max: z.number(),
  alpha: z.number(),
  inReward: z.boolean(),
  options: z.record(z.string(), JsonValueSchema),
});

/** A score on one task (see `TaskResult`). */
export const TaskResultSchema = z.object({
  task: z.string(),
  metric: z.string(),
  score: z.number(),
  split: z.enum(['validation', 'test']),
  n: z.number().int().optional(),
  itemsPath: z.string().optional(),
  itemScores: z.array(z.number()).optional(),
  interval: z.object({ lo: z.number(), hi: z.number() }).optional(),
  usage: z
    .object({
      model: z.string().optional(),
      inputTokens: z.number(),
      outputTokens: z.number(),
      requests: z.number().int().optional(),
      costUsd: z.number().optional(),
    })
    .optional(),
  total: z.number().int().optional(),
  partial: z.object({ slice: z.number(), estimate: z.number(), lo: z.number(), hi: z.number(), threshold: z.number() }).optional(),
});

/** Early stopping in the evaluation loop (config `earlyStop`, with the study's threshold and reward weights now). */
export const EarlyStopSpecSchema = z.object({
  looks: z.array(z.number()).min(1),
  alpha: z.number(),
  /** The topK-th best reward so far. */
  threshold: z.number(),
  /** Each task's weight in the reward (linear mode); in monotone mode 1 for in-reward tasks, 0 for the others. */
  weights: z.record(z.string(), z.number()),
  /**
   * How the reward's bound is taken: `linear` (absent too; from the weights, exact for mean and weighted-sum) or `monotone` (the
   * aggregator evaluated at the per-task bounds; it is rebuilt in a job process from `aggregation`).
   */
  mode: z.enum(['linear', 'monotone']).optional(),
  aggregation: z.object({ name: z.string(), options: z.record(z.string(), JsonValueSchema).default({}) }).optional(),
  /** Early stopping cannot be sound for this aggregator: every candidate is scored in full, and the trial journals why. */
  fallback: z.string().optional(),
});
export type EarlyStopSpec = z.infer<typeof EarlyStopSpecSchema>;

/** What a job evaluates after its runner finished (config `evaluateIn: job`). */
export const JobEvaluationSchema = z.object({
  tasks: z.array(TaskSpecSchema).min(1),
  /** Options per evaluator name (config `evaluators:`). */
  evaluators: z.record(z.string(), z.record(z.string(), JsonValueSchema)).default({}),
  /** Folder of the study's config: relative paths in task options resolve from here. */
  configDir: z.string(),
  /** The study seed (evaluator factories see it). */
  studySeed: z.number().int(),
  earlyStop: EarlyStopSpecSchema.optional(),
});
export type JobEvaluation = z.infer<typeof JobEvaluationSchema>;

/** A job spec: everything a runner needs, as JSON, the same in-process, as a subprocess or as a Slurm job. */
export const JobSpecSchema = z.object({
  schemaVersion: z.literal(1),
  jobId: z.string().min(1),
  actionKey: z.string(),
  action: z.string(),
  actionType: z.string(),
  runner: z.string(),
  runnerVersion: z.string(),
  inputs: z.array(JobInputSchema),
  params: z.record(z.string(), JsonValueSchema),
  /** Parameters for the runner itself (`actions.<name>.runnerParams`), e.g. a command template. */
  runnerParams: z.record(z.string(), JsonValueSchema).optional(),
  /** Folder the runner writes the produced model into (it exists and is empty). */
  outputDir: z.string(),
  /** Folder for logs and the result manifest. */
  jobDir: z.string(),
  seed: z.number().int(),
  resources: ResourcesSchema,
  /** Plugin module specifiers (resolved paths) a separate process must load to find the runner. */
  plugins: z.array(z.string()).default([]),
  smoke: z.boolean().default(false),
  /** Score the produced model inside the job, on the validation split (absent: the study evaluates). */
  evaluation: JobEvaluationSchema.optional(),
});
export type JobSpec = z.infer<typeof JobSpecSchema>;

export const JobStatusSchema = z.enum(['completed', 'failed', 'cancelled', 'timeout']);
export type JobStatus = z.infer<typeof JobStatusSchema>;

export const JobErrorSchema = z.object({
  /** A short classifier: `RunnerError`, `ExitCode`, `Signal`, `Timeout`, `Cancelled`, `NodeFail`, `BadResult`, ... */
  type: z.string(),
  message: z.string(),
  logExcerpt: z.string().optional(),
  exitCode: z.number().int().optional(),
  signal: z.string().optional(),
});
export type JobError = z.infer<typeof JobErrorSchema>;

/** What a job produced: written as `result.json` in the job folder. */
export const ResultManifestSchema = z.object({
  schemaVersion: z.literal(1),
  jobId: z.string(),
  status: JobStatusSchema,
  /** Path of the produced model folder (the job's outputDir) when completed. */
  artifact: z.string().optional(),
  metrics: z.record(z.string(), z.number()).default({}),
  resources: z
    .object({ wallSec: z.number(), gpus: z.number().default(0), gpuHours: z.number().default(0), cpuSec: z.number().optional() })
    .default({ wallSec: 0, gpus: 0, gpuHours: 0 }),
  logs: z.array(z.string()).default([]),
  error: JobErrorSchema.optional(),
  /** Validation scores computed inside the job (when the spec asked for `evaluation`). */
  evaluations: z.array(TaskResultSchema).optional(),
  /** Seconds per stage inside the job: `run` (the runner), `evaluate` (in-job evaluation). */
  stages: z.record(z.string(), z.number()).optional(),
});
export type ResultManifest = z.infer<typeof ResultManifestSchema>;
