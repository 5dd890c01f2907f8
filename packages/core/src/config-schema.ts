import { z } from 'zod';
import { JsonValueSchema } from './json.js';

/** An object list: the shorthand array, or an explicit `{ type, values, names }`. */
export const ObjectListSchema = z.union([
  z.array(JsonValueSchema),
  z
    .object({
      type: z
        .string()
        .optional()
        .describe('Object type: model, dataset, number, json, or a plugin-defined type. Inferred from the slots it feeds when omitted.'),
      values: z.array(JsonValueSchema).describe('Paths (models, datasets: relative to the config file) or values (hyperparameters).'),
      names: z.array(z.string()).optional().describe('Display names, one per value.'),
      scales: z
        .record(z.string().regex(/^[1-9][0-9]*$/, 'a scale factor is a positive integer'), z.union([z.string().min(1), z.array(z.string().min(1).nullable())]))
        .optional()
        .describe(
          'Datasets only: larger variants per scale factor, for `lamdagent replay --data-scale K` (e.g. {2: data/x.2x.jsonl}): one path per value (null: the x.<K>x.jsonl naming convention), or a single path when there is one value. Relative to the config file.',
        ),
    })
    .strict(),
]);

export const ActionConfigSchema = z.union([
  z.array(z.string()).min(1).describe('Pool kind per slot; the action type is the key (or one of its aliases).'),
  z
    .object({
      type: z.string().optional().describe('Action type (default: the key).'),
      slots: z.array(z.string()).min(1).describe('Pool kind per slot position.'),
      unordered: z
        .array(z.array(z.number().int().min(0)))
        .optional()
        .describe('Groups of interchangeable, distinct positions.'),
      produces: z.string().optional().describe('Pool kind the produced model joins (default: models).'),
      runner: z.string().optional(),
      runnerParams: z
        .record(z.string(), JsonValueSchema)
        .optional()
        .describe("Parameters for the runner (e.g. the command runner's argv template); validated by the runner."),
      params: z.record(z.string(), JsonValueSchema).optional(),
      resources: z
        .object({
          gpus: z.number().int().min(0).optional(),
          cpus: z.number().int().min(1).optional(),
          memoryMb: z.number().int().optional(),
          timeLimitSec: z.number().positive().optional(),
        })
        .strict()
        .optional(),
    })
    .strict(),
]);

export const TaskConfigSchema = z.union([
  z.tuple([z.string(), z.string()]).describe('[task name, metric] as in the paper'),
  z
    .object({
      name: z.string().min(1),
      evaluator: z.string().optional().describe('Evaluator name (default: suite).'),
      metric: z.string().default('acc'),
      max: z.number().positive().default(1).describe('Largest possible score.'),
      alpha: z.number().min(0).optional().describe('Scale factor (paper eq. 3); default 1/max.'),
      inReward: z.boolean().default(true).describe('Counts toward the reward (false for test-only tasks).'),
      options: z.record(z.string(), JsonValueSchema).default({}),
    })
    .strict(),
]);

const NamedWithOptions = z.object({ name: z.string().min(1), options: z.record(z.string(), JsonValueSchema).default({}) }).strict();

/** The native config format (YAML or JSON). */
export const StudyConfigSchema = z
  .object({
    $schema: z.string().optional(),
    name: z.string().optional(),
    seed: z.number().int().default(0),
    budget: z
      .object({
        iterations: z.number().int().positive().default(20),
        wallTimeSec: z.number().positive().optional(),
        costUsd: z.number().positive().optional(),
        targetReward: z.number().optional(),
      })
      .strict()
      .default({ iterations: 20 }),
    policy: z.union([z.string().min(1), NamedWithOptions]).default('random'),
    plugins: z.array(z.string()).default([]),
    discoverPlugins: z.boolean().default(true).describe('Also load plugins installed in the project that declare themselves.'),
    objects: z.record(z.string(), ObjectListSchema),
    actions: z.record(z.string(), ActionConfigSchema),
    tasks: z.array(TaskConfigSchema).min(1),
    evaluators: z
      .record(z.string(), z.record(z.string(), JsonValueSchema))
      .default({})
      .describe('Options per evaluator name (e.g. suite: { backend: tiny, batchSize: 64 }), validated by the evaluator.'),
    evaluateIn: z
      .enum(['job', 'study'])
      .default('job')
      .describe(
        'Where a produced model is scored on the validation split: inside its job (the same process or Slurm job as the training, where its GPU is), or in the study process.',
      ),
    earlyStop: z
      .object({
        looks: z
          .array(z.number().gt(0).lt(1))
          .min(1)
          .default([0.1, 0.25, 0.5])
          .refine((a) => a.every((x, i) => i === 0 || x > a[i - 1]!), 'increasing fractions')
          .describe("Fractions of each task's validation items after which the candidate is checked."),
        alpha: z.number().gt(0).lt(1).default(0.05).describe('Level of the whole sequence of checks (Bonferroni over the looks).'),
      })
      .strict()
      .optional()
      .describe(
        'Evaluation that costs less (issue 19): score a candidate on the first slice of each validation split and stop when its reward is clearly below the topK-th best so far; journaled as a partial evaluation with its interval. A linear aggregator (mean, weighted-sum) is bounded by its weights, a monotone one (declared, or probed) by its value at the per-task bounds; any other scores every candidate in full and journals why (earlyStop.fallback).',
      ),
    aggregation: z.union([z.string().min(1), NamedWithOptions]).default('mean'),
    executor: z.union([z.string().min(1), NamedWithOptions]).default('inprocess'),
    observers: z
      .array(
        z.union([
          z.string().min(1),
          z
            .object({
              name: z.string().min(1),
              options: z.record(z.string(), JsonValueSchema).default({}),
              retry: z
                .object({ attempts: z.number().int().min(1).max(20), delayMs: z.number().min(0) })
                .partial()
                .strict()
                .optional(),
            })
            .strict(),
        ]),
      )
      .default([])
      .describe('Observers that receive study and trial events (experiment trackers such as mlflow); a failing one never stops the study.'),
    concurrency: z.number().int().positive().default(1),
    failFast: z.boolean().default(false).describe("Run each action type's declared smoke run before the full job."),
    topK: z.number().int().positive().default(3),
    scoreInitialModels: z
      .boolean()
      .default(true)
      .describe(
        'Score each initial model (base, specialists) on the validation split once at the start, in the study process, so policies can build on them (not a trial).',
      ),
    cache: z
      .string()
      .min(1)
      .optional()
      .describe('Shared action cache folder (relative to the config file): actions any study sharing it ran are reused, never run twice.'),
  })
  .strict();
export type StudyConfigInput = z.input<typeof StudyConfigSchema>;
export type StudyConfigParsed = z.output<typeof StudyConfigSchema>;

/** The paper's published config format (Figure 11), accepted as it is. */
export const PaperConfigSchema = z
  .object({
    seed: z.number().int().default(0),
    total_timesteps: z.number().int().positive(),
    controller: z.string().default('LaMDAgent_gpt'),
    controller_model: z.string().optional(),
    objects: z.record(z.string(), z.array(JsonValueSchema)),
    action_types: z.record(z.string(), z.array(z.string()).min(1)),
    eval_tasks: z.array(z.tuple([z.string(), z.string()])).min(1),
    score_aggregation: z.string().default('mean'),
    /** Our addition: folder of `<task>/validation.*` and `<task>/test.*` evaluation files per `eval_tasks` name. */
    eval_data: z.string().min(1).optional(),
  })
  .passthrough();

/** JSON Schema of the native format, for editor completion. */
export function studyConfigJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(StudyConfigSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
