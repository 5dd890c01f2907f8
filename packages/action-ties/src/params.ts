import { z } from 'zod';
import type { MergeMethod } from './methods.js';

const finite = z.number().refine(Number.isFinite, 'a finite number');
const maxShardSizeMb = z.number().positive().optional().describe('split the output into shards of at most this many MB (1e6 bytes); default: shard as the base');

/** `ties` params: `lambda` (default 1) scales the merged task vector; `normalize` (default true). */
export const TiesParamsSchema = z.object({
  lambda: finite.default(1),
  normalize: z.boolean().default(true),
  maxShardSizeMb,
});
export type TiesParams = z.infer<typeof TiesParamsSchema>;

/** `task_arithmetic` params: `lambda` (default 1); `normalize` (default false, as mergekit). */
export const TaskArithmeticParamsSchema = z.object({
  lambda: finite.default(1),
  normalize: z.boolean().default(false),
  maxShardSizeMb,
});
export type TaskArithmeticParams = z.infer<typeof TaskArithmeticParamsSchema>;

/** `linear` params: `normalize` (default true) divides by the sum of the weights. */
export const LinearParamsSchema = z.object({
  normalize: z.boolean().default(true),
  maxShardSizeMb,
});
export type LinearParams = z.infer<typeof LinearParamsSchema>;

/** What the runners read from a job's params (unknown keys are ignored there, refused in config). */
interface ParsedParams {
  lambda?: number;
  normalize: boolean;
  maxShardSizeMb?: number | undefined;
}

/** The params schema of a method. */
export function paramsSchemaFor(method: MergeMethod): z.ZodType<ParsedParams> {
  if (method === 'ties') return TiesParamsSchema;
  if (method === 'task_arithmetic') return TaskArithmeticParamsSchema;
  return LinearParamsSchema;
}
