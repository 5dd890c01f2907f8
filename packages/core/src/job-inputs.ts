import type { z } from 'zod';
import type { JsonValue } from './json.js';
import type { JobSpec } from './jobs.js';

/**
 * A job's input values by slot name (a repeated slot gives an array), validated with a zod schema.
 * Errors name the job and the slot. For runners: `jobInputs(spec, z.object({ model: z.string(), ... }))`.
 */
export function jobInputs<T>(spec: JobSpec, schema: z.ZodType<T>): T {
  const bySlot: Record<string, JsonValue> = {};
  const repeated = new Set(spec.inputs.filter((i, n) => spec.inputs.findIndex((j) => j.slot === i.slot) !== n).map((i) => i.slot));
  for (const i of spec.inputs) bySlot[i.slot] = repeated.has(i.slot) ? spec.inputs.filter((j) => j.slot === i.slot).map((j) => j.value) : i.value;
  const res = schema.safeParse(bySlot);
  if (!res.success)
    throw new Error(`job ${spec.jobId} (${spec.actionType}): bad inputs: ${res.error.issues.map((x) => `input ${x.path.join('.')}: ${x.message}`).join('; ')}`);
  return res.data;
}
