import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JobSpec, JsonValue, Runner } from '@lamdagent/core';
import { jsonlHeadProblem } from '@lamdagent/core/kit';
import { z } from 'zod';
import { PYTHON_FIX, resolvePython } from './python-env.js';
import { CommandSpawnError, runCommand } from './run.js';
import { CommandSpecSchema, parseCommandSpec, type CommandSpec, type CommandSpecInput } from './spec.js';

/** Folder of the bundled Python scripts (`python/` beside `dist/` or `src/`). */
export function pythonDir(): string {
  let d = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const p = path.join(d, 'python');
    if (existsSync(path.join(p, 'lamdagent_job.py'))) return p;
    d = path.dirname(d);
  }
  throw new Error('cannot find the python/ folder of @lamdagent/runner-command');
}

/** Values every template of this package can use besides the job's (computed where the job runs). */
function builtinVars(): Record<string, string> {
  let dir = '';
  try {
    dir = pythonDir();
  } catch {
    /* only needed by the bundled scripts' templates */
  }
  return { python: resolvePython().python, ...(dir ? { pythonDir: dir } : {}) };
}

const RunnerParamsSchema = z.record(z.string(), z.unknown());

/**
 * The command of a job run by the generic `command` runner: `runnerParams.command` when the job spec
 * carries runner parameters (a proposed core field, so that action types with strict params can use
 * it), else `params.command`.
 */
export function commandOf(spec: JobSpec): CommandSpec {
  const rp = RunnerParamsSchema.safeParse((spec as JobSpec & { runnerParams?: unknown }).runnerParams);
  if (rp.success && Object.hasOwn(rp.data, 'command')) return parseCommandSpec(rp.data['command'], `actions.${spec.action}.runnerParams.command`);
  if (!Object.hasOwn(spec.params, 'command')) {
    throw new Error(
      `job ${spec.jobId}: the command runner needs params.command (an argv template such as ["python", "train.py", "--out", "{outputDir}"]); set it in actions.${spec.action}.params`,
    );
  }
  return parseCommandSpec(spec.params['command'], `actions.${spec.action}.params.command`);
}

/**
 * The `command` runner: runs the argv template in the action's `params.command` (no shell), with
 * placeholders for the inputs by slot name, params, output and job folders and the seed.
 */
export const genericCommandRunner: Runner = {
  name: 'command',
  version: '1',
  run(spec, ctx) {
    return runCommand(spec, commandOf(spec), ctx, { vars: builtinVars() });
  },
};

export interface CommandRunnerDefinition {
  /** Runner name used in configs (`actions.<name>.runner`). */
  name: string;
  /** Part of every action's content address: bump it when the command's results would change. */
  version: string;
  /** The command: fixed here, so any action type (with its own params schema) can use it. */
  command: CommandSpecInput | string[];
}

/**
 * A named runner with a fixed command, for a plugin of your own (works with action types whose params
 * schema would refuse a `command` parameter, such as `sft` and `dpo`):
 * `r.runner(commandRunner({ name: 'sft-mine', version: '1', command: ['python', 'train.py', '--out', '{outputDir}'] }))`.
 */
export function commandRunner(def: CommandRunnerDefinition): Runner {
  const cmd = Array.isArray(def.command) ? CommandSpecSchema.parse({ argv: def.command }) : parseCommandSpec(def.command, `runner ${def.name}: command`);
  return {
    name: def.name,
    version: def.version,
    run: (spec, ctx) => runCommand(spec, cmd, ctx, { vars: builtinVars() }),
  };
}

/**
 * `actions.<name>.runnerParams` of the TRL runners: hyperparameters by TRL's names (scalars), applied
 * after the action's params; the Python script refuses names it does not know, naming them.
 */
export const TrlRunnerParamsSchema = z.record(
  z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a hyperparameter name'),
  z.union([z.string(), z.number(), z.boolean()]),
);

/** A TRL runner: a Python that cannot be started fails with the command that sets one up. */
/**
 * The records the TRL scripts read (python/lamdagent_job.py `read_jsonl`): every field a string, all
 * but the prompt non-empty; a dataset folder holds `train.jsonl`.
 */
const SftRecordSchema = z.object({ prompt: z.string(), completion: z.string().min(1) });
const PreferenceRecordSchema = z.object({ prompt: z.string(), chosen: z.string().min(1), rejected: z.string().min(1) });

function datasetCheck(schema: z.ZodType<unknown>): (value: JsonValue) => string | undefined {
  return (v) => (typeof v === 'string' ? jsonlHeadProblem(v, schema, { folderFiles: ['train.jsonl'] }) : 'expected a path');
}

function trlRunner(name: string, script: string, records: z.ZodType<unknown>): Runner {
  const inner = commandRunner({
    name,
    version: '1',
    command: { argv: ['{python}', `{pythonDir}/${script}`, '--spec', '{specFile}'], expectFiles: ['config.json'] },
  });
  return {
    ...inner,
    paramsSchema: TrlRunnerParamsSchema,
    // Before the first trial: the dataset's first lines in the format this script reads.
    inputChecks: { dataset: datasetCheck(records) },
    async run(spec, ctx) {
      try {
        return await inner.run(spec, ctx);
      } catch (e) {
        if (e instanceof CommandSpawnError) {
          const py = resolvePython();
          throw new CommandSpawnError(
            `${e.message}; the ${name} runner needs Python 3 with torch, transformers, trl (from ${py.source}: ${py.python}): ${PYTHON_FIX}`,
          );
        }
        throw e;
      }
    },
  };
}

/**
 * The reference TRL runners: `<python> <pythonDir>/sft_trl.py --spec <spec.json>`, the Python being
 * `LAMDAGENT_PYTHON`, else the project's venv when ready (scripts/python-env.sh), else `python3`.
 * Hyperparameters come from the job (slots learning_rate, beta; params with TRL's or the tiny
 * runners' names; `runnerParams` with TRL's names, e.g. LoRA's `lora_r`); see python/README.md.
 */
export const sftTrlRunner: Runner = trlRunner('sft-trl', 'sft_trl.py', SftRecordSchema);

export const dpoTrlRunner: Runner = trlRunner('dpo-trl', 'dpo_trl.py', PreferenceRecordSchema);
