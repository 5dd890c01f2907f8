import { isAbsolute } from 'node:path';
import { z } from 'zod';
import type { JobInput, JobSpec, Runner, RunnerContext, RunOutcome } from '@lamdagent/core';
import { mergeCheckpoints } from './checkpoint-merge.js';
import { MergeOptionsError } from './errors.js';
import type { MergeMethod, MergeSpecInput } from './methods.js';
import { paramsSchemaFor } from './params.js';

/** Runner names, one per method; all at version '1'. */
export const RUNNER_NAMES: Readonly<Record<MergeMethod, string>> = {
  ties: 'ties-ts',
  task_arithmetic: 'task-arithmetic-ts',
  linear: 'linear-ts',
};

/** Bump when a runner's results would change (part of every action's content address). */
export const RUNNER_VERSION = '1';

const finite = z.number().refine(Number.isFinite, 'a finite number');
const PathValue = z.string().refine(isAbsolute, 'an absolute path');
const WeightsValue = z.array(finite).min(1);
const DensityValue = finite;

function readValue<T>(schema: z.ZodType<T>, input: JobInput | undefined, what: string, jobId: string): T {
  if (input === undefined) throw new MergeOptionsError(`job ${jobId}: missing input ${what}`);
  const parsed = schema.safeParse(input.value);
  if (!parsed.success) {
    const message = parsed.error.issues.map((i) => i.message).join('; ');
    throw new MergeOptionsError(
      `job ${jobId}: input ${input.slot} (${input.name}) must be ${what}: ${message}; got ${JSON.stringify(input.value)}`,
    );
  }
  return parsed.data;
}

/** The merge a job asks for, read from its inputs (in slot order) and parameters. */
export interface MergeJob {
  base: string | undefined;
  models: string[];
  merge: MergeSpecInput;
  maxShardBytes: number | undefined;
}

/**
 * Reads a job spec's inputs in slot order: `ties` takes base_model, the models, weights, density;
 * `task_arithmetic` takes base_model, the models, weights; `linear` takes the models, weights.
 */
export function readMergeJob(method: MergeMethod, spec: JobSpec): MergeJob {
  const inputs = spec.inputs;
  const hasBase = method !== 'linear';
  const tail = method === 'ties' ? 2 : 1;
  const id = spec.jobId;
  const params = paramsSchemaFor(method).safeParse(spec.params);
  if (!params.success) {
    const issues = params.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new MergeOptionsError(`job ${id}: invalid ${method} params: ${issues.join('; ')}`);
  }
  const minInputs = (hasBase ? 1 : 0) + 1 + tail;
  if (inputs.length < minInputs) {
    throw new MergeOptionsError(`job ${id}: ${method} needs at least ${minInputs} inputs, got ${inputs.length}`);
  }
  const base = hasBase ? readValue(PathValue, inputs[0], 'an absolute path (the base model folder)', id) : undefined;
  const modelInputs = inputs.slice(hasBase ? 1 : 0, inputs.length - tail);
  const models = modelInputs.map((input) => readValue(PathValue, input, 'an absolute path (a model folder)', id));
  const weights = readValue(WeightsValue, inputs[inputs.length - tail], 'an array of numbers, one weight per model', id);
  const p = params.data;
  const maxShardBytes = p.maxShardSizeMb === undefined ? undefined : Math.max(1, Math.round(p.maxShardSizeMb * 1e6));
  let merge: MergeSpecInput;
  if (method === 'ties') {
    const density = readValue(DensityValue, inputs[inputs.length - 1], 'a number in (0, 1]', id);
    merge = { method, weights, density, lambda: p.lambda ?? 1, normalize: p.normalize };
  } else if (method === 'task_arithmetic') {
    merge = { method, weights, lambda: p.lambda ?? 1, normalize: p.normalize };
  } else {
    merge = { method, weights, normalize: p.normalize };
  }
  return { base, models, merge, maxShardBytes };
}

/** A runner that merges checkpoints with `method` and writes the result into `spec.outputDir`. */
export function createMergeRunner(method: MergeMethod): Runner {
  return {
    name: RUNNER_NAMES[method],
    version: RUNNER_VERSION,
    async run(spec: JobSpec, ctx: RunnerContext): Promise<RunOutcome> {
      const job = readMergeJob(method, spec);
      ctx.log(
        `${method}: merging ${job.models.length} models${job.base ? ` into base ${job.base}` : ''} with ${JSON.stringify(job.merge)}`,
      );
      const result = await mergeCheckpoints({
        merge: job.merge,
        base: job.base,
        models: job.models,
        outputDir: spec.outputDir,
        maxShardBytes: job.maxShardBytes,
        signal: ctx.signal,
        onProgress: (p) => {
          if (p.done === p.total || p.done % 16 === 0) {
            ctx.progress({ fraction: p.bytesTotal > 0 ? p.bytesDone / p.bytesTotal : 1, message: `${p.done}/${p.total} tensors` });
          }
        },
      });
      ctx.log(
        `${method}: wrote ${result.files.join(', ')} (${result.mergedTensors} merged, ${result.copiedTensors} copied tensors, ` +
          `${(result.bytesWritten / 1e6).toFixed(1)} MB in ${result.seconds.toFixed(2)} s, ${result.mbPerSec.toFixed(1)} MB/s); ` +
          `copied ${result.copiedFiles.join(', ') || 'no other files'}`,
      );
      return {
        metrics: {
          tensors: result.tensors,
          tensorsMerged: result.mergedTensors,
          tensorsCopied: result.copiedTensors,
          bytes: result.bytesWritten,
          bytesRead: result.bytesRead,
          seconds: result.seconds,
          mbPerSec: result.mbPerSec,
        },
      };
    },
  };
}
