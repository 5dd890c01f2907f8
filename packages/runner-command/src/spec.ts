import { z } from 'zod';

/** A command: the argv template and how to judge its result. */
export const CommandSpecSchema = z
  .object({
    argv: z.array(z.string()).min(1).describe('argv template: the program, then its arguments; placeholders in braces; never run through a shell'),
    env: z
      .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name'), z.string())
      .default({})
      .describe('Extra environment variables (values are templates)'),
    cwd: z.string().optional().describe('Working directory (a template; default: the job folder)'),
    metricsFile: z.string().default('metrics.json').describe('Metrics the command may write, relative to the output folder: a JSON object of numbers'),
    expectFiles: z.array(z.string()).default([]).describe('Files the produced model folder must contain, e.g. [config.json]'),
    successExitCodes: z.array(z.number().int()).default([0]),
    killGraceSec: z.number().min(0).default(10).describe('Seconds between SIGTERM and SIGKILL when the job is cancelled or times out'),
  })
  .strict();
export type CommandSpec = z.output<typeof CommandSpecSchema>;
export type CommandSpecInput = z.input<typeof CommandSpecSchema>;

/** `params.command` of an action run by the `command` runner: the argv array, or the full object. */
export const CommandParamSchema = z.union([
  z
    .array(z.string())
    .min(1)
    .transform((argv) => CommandSpecSchema.parse({ argv })),
  CommandSpecSchema,
]);

/** Parse a command spec and name the field in errors (`params.command.argv: ...`). */
export function parseCommandSpec(input: unknown, where: string): CommandSpec {
  const res = CommandParamSchema.safeParse(input);
  if (!res.success) {
    const issues = res.error.issues.flatMap((i) => (i.code === 'invalid_union' ? i.errors.flat() : [i]));
    throw new Error(
      `${where}: ${issues.map((i) => `${[where, ...i.path].join('.')}: ${i.message}`).join('; ') || 'an argv array of strings, or { argv, env, cwd, metricsFile, expectFiles }'}`,
    );
  }
  return res.data;
}

/** metrics.json: a flat JSON object of finite numbers. */
export const MetricsFileSchema = z.record(z.string(), z.number().refine(Number.isFinite, 'a finite number'));
