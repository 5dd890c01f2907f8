import type { ScorerCatalog, Split, TaskSpec } from '@lamdagent/core';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { TaskOptionsError } from './errors.js';
import { findPreset, TASK_PRESETS, type TaskPreset } from './presets.js';
import { knownScorerNames, resolveScorer, scorerProblem, type ResolvedScorer } from './scorers/resolve.js';
import { findSplitData } from './loaders/data-dir.js';

/** A task's `options` for the `suite` evaluator. */
export const SuiteTaskOptionsSchema = z
  .object({
    /** Evaluation JSON lines files per split; relative paths resolve from the config's folder. */
    data: z
      .object({ validation: z.string().min(1).optional(), test: z.string().min(1).optional() })
      .strict()
      .optional(),
    /**
     * Scoring rule: a built-in (`numeric`, `choice`, `exact`, `toolcall`, `judge`) or a scorer another plugin
     * registered (`defineScorer`; plain or `plugin:name`); a preset task (named like `gsm8k`, or `preset:`) brings its own.
     */
    scorer: z.string().min(1).optional(),
    /** Options of the scorer, checked against its `optionsSchema`. */
    scorerOptions: z.record(z.string(), z.unknown()).optional(),
    /** Take the defaults of this preset (default: the preset named like the task, if any). */
    preset: z.string().min(1).optional(),
    /** Generation backend (a registered name); default: the evaluator's default, `tiny`. */
    backend: z.string().min(1).optional(),
    /** Options passed to the backend's factory. */
    backendOptions: z.record(z.string(), z.unknown()).optional(),
    maxNewTokens: z.number().int().min(1).optional(),
    /** Stop sequences; default: the preset's, else a newline. */
    stop: z.array(z.string().min(1)).optional(),
    /** Score only the first `limit` items of the split. */
    limit: z.number().int().min(1).optional(),
    /** Published schema of the data files (a loader: `gsm8k`, `acebench`, ...); default: the preset's, or the task name's. */
    format: z.string().min(1).optional(),
    /** Data folder holding `<task>/validation.*` and `<task>/test.*` (default: the evaluator's `dataDir`). */
    dataDir: z.string().min(1).optional(),
  })
  .strict();
export type SuiteTaskOptions = z.input<typeof SuiteTaskOptionsSchema>;

/** What the evaluator needs to run a task on one split, every default applied. */
export interface ResolvedTask {
  name: string;
  metric: string;
  split: Split;
  dataPath: string;
  /** Name of the scoring rule (see `resolveScorer`). */
  scorer: string;
  /** `options.scorerOptions` as given (parsed by `scorerFor`). */
  scorerOptions: Record<string, unknown> | undefined;
  backend: string;
  backendOptions: Record<string, unknown> | undefined;
  maxNewTokens: number;
  stop: string[];
  limit: number | undefined;
  preset: TaskPreset | undefined;
  /** Loader of the data file's published schema (records with `prompt` and `answer` are read as they are). */
  format: string;
}

export interface SuiteDefaults {
  backend: string;
  backendOptions?: Record<string, unknown>;
  maxNewTokens: number;
  /** Data folder for tasks without `data` paths (the paper format's `eval_data`, `--data-dir`). */
  dataDir?: string;
  /** Scorers other plugins registered (the study's registry); without it only the built-ins are known. */
  scorers?: ScorerCatalog;
}

const HUB_NOTE = 'no dataset hub is reachable from here, so give the evaluation files yourself';

/** Validates a task's options and applies the preset and evaluator defaults; errors name the task and field. */
export function resolveTask(task: TaskSpec, split: Split, configDir: string, defaults: SuiteDefaults): ResolvedTask {
  const parsed = SuiteTaskOptionsSchema.safeParse(task.options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TaskOptionsError(task.name, `options.${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  const o = parsed.data;
  let preset: TaskPreset | undefined;
  if (o.preset !== undefined) {
    preset = findPreset(o.preset);
    if (!preset) {
      throw new TaskOptionsError(task.name, `options.preset: unknown preset ${o.preset} (known: ${Object.keys(TASK_PRESETS).join(', ')})`);
    }
  } else preset = findPreset(task.name);

  const scorer = o.scorer ?? preset?.scorer;
  if (!scorer) {
    throw new TaskOptionsError(
      task.name,
      `options.scorer is required (one of ${knownScorerNames(defaults.scorers).join(', ')}) unless the task is a preset (${Object.keys(TASK_PRESETS).join(', ')})`,
    );
  }
  const why = scorerProblem(scorer, defaults.scorers);
  if (why) throw new TaskOptionsError(task.name, `options.scorer: ${why}`);
  let file = o.data?.[split];
  const dataDir = o.dataDir ?? defaults.dataDir;
  if (!file && dataDir !== undefined) {
    const found = findSplitData(isAbsolute(dataDir) ? dataDir : resolve(configDir, dataDir), task.name, split);
    if (!('path' in found)) throw new TaskOptionsError(task.name, `data folder: ${found.missing}`);
    file = found.path;
  }
  if (!file) {
    const what = `options.data.${split} is missing: the ${split} split needs a JSON lines file of {"id","prompt","answer"}`;
    throw new TaskOptionsError(task.name, preset ? `${what}; preset ${preset.name} fixes the scorer, but ${HUB_NOTE}` : what);
  }
  return {
    name: task.name,
    metric: task.metric,
    split,
    dataPath: isAbsolute(file) ? file : resolve(configDir, file),
    scorer,
    scorerOptions: o.scorerOptions,
    backend: o.backend ?? defaults.backend,
    backendOptions: o.backendOptions ?? (o.backend === undefined ? defaults.backendOptions : undefined),
    maxNewTokens: o.maxNewTokens ?? preset?.maxNewTokens ?? defaults.maxNewTokens,
    stop: o.stop ?? preset?.stop ?? ['\n'],
    limit: o.limit,
    preset,
    format: o.format ?? preset?.name ?? task.name,
  };
}

/** The task's scorer and its parsed options; errors name the task and the option. */
export function scorerFor(
  t: Pick<ResolvedTask, 'name' | 'scorer' | 'scorerOptions'>,
  catalog: ScorerCatalog | undefined,
): { scorer: ResolvedScorer; options: unknown } {
  let scorer: ResolvedScorer;
  try {
    scorer = resolveScorer(t.scorer, catalog);
  } catch (err) {
    throw new TaskOptionsError(t.name, `options.scorer: ${(err as Error).message}`);
  }
  const schema = scorer.definition.optionsSchema;
  if (!schema) {
    if (t.scorerOptions !== undefined && Object.keys(t.scorerOptions).length > 0)
      throw new TaskOptionsError(t.name, `options.scorerOptions: scorer ${t.scorer} takes no options`);
    return { scorer, options: undefined };
  }
  const parsed = schema.safeParse(t.scorerOptions ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TaskOptionsError(t.name, `options.scorerOptions.${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  return { scorer, options: parsed.data };
}
