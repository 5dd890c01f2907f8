import { z } from 'zod';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * sbatch options the executor sets itself: letting a directive override them would break log
 * collection, the result path or the environment contract, so they are refused by name.
 */
export const RESERVED_DIRECTIVES = [
  '--output',
  '-o',
  '--error',
  '-e',
  '--chdir',
  '-D',
  '--export',
  '--parsable',
  '--wrap',
  '--job-name',
  '-J',
  '--array',
  '-a',
  '--wait',
  '-W',
  '--test-only',
] as const;

/** An extra sbatch directive: one argv element such as `--constraint=a100` or `--qos=long`. */
export const DirectiveSchema = z
  .string()
  .min(2)
  .refine((s) => s.startsWith('-'), 'a directive is one sbatch option starting with "-", e.g. "--constraint=a100"')
  .refine((s) => !/[\n\r\0]/.test(s), 'a directive must not contain a newline or NUL')
  .superRefine((s, ctx) => {
    const flag = s.split('=')[0]!;
    if (
      (RESERVED_DIRECTIVES as readonly string[]).includes(flag) ||
      RESERVED_DIRECTIVES.some((r) => r.length === 2 && s.startsWith(r) && !s.startsWith('--'))
    ) {
      ctx.addIssue({
        code: 'custom',
        message: `${flag.slice(0, 2) === '--' ? flag : flag.slice(0, 2)} is set by the executor and cannot be overridden (reserved: ${RESERVED_DIRECTIVES.join(', ')})`,
      });
    }
  });

/** Options of the `slurm` executor (config: `executor: { name: slurm, options: {...} }`). */
export const SlurmOptionsSchema = z
  .object({
    partition: z.string().min(1).optional().describe('sbatch --partition'),
    account: z.string().min(1).optional().describe('sbatch --account'),
    qos: z.string().min(1).optional().describe('sbatch --qos'),
    gpuType: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only')
      .optional()
      .describe('GPU type in --gres=gpu:<type>:<n> (e.g. a100); omitted: --gres=gpu:<n>'),
    extraDirectives: z.array(DirectiveSchema).default([]).describe("Further sbatch options, one argv element each, added after the executor's own"),
    defaultTimeLimitSec: z.number().positive().optional().describe('Time limit for jobs whose action sets none (many clusters require --time)'),
    pollIntervalMs: z.number().int().min(100).default(5000).describe("How often squeue is asked about this executor's jobs (one call for all of them)"),
    nodePath: z.string().min(1).optional().describe('node on the compute nodes (default: the node running the study; shared file system assumed)'),
    nodeArgs: z.array(z.string()).default([]).describe('Extra node arguments, e.g. --max-old-space-size=8192'),
    lamdagentRunner: z.string().min(1).optional().describe('Path of the lamdagent-runner script (default: the one of the installed @lamdagent/core)'),
    env: z
      .array(z.string().regex(ENV_NAME, 'an environment variable name'))
      .default([])
      .describe('Names of environment variables passed from the study process to the job (besides PATH, HOME, USER, LANG, LC_ALL, TZ, TMPDIR)'),
    exportAll: z.boolean().default(false).describe('Pass the whole study environment (sbatch --export=ALL); default: only the listed variables'),
    maxConcurrency: z.number().int().positive().optional().describe('Jobs this executor keeps queued or running at once'),
    enforceTimeLimit: z
      .boolean()
      .default(true)
      .describe('Cancel a job whose Slurm elapsed time exceeds its exact time limit (Slurm itself only counts whole minutes)'),
    timeLimitGraceSec: z.number().min(0).default(0).describe('Seconds past the time limit before the executor cancels'),
    unreachableTimeoutSec: z.number().positive().default(600).describe('Give up on a job when Slurm cannot be asked about it for this long'),
    binDir: z.string().min(1).optional().describe('Folder of sbatch, squeue, scontrol, scancel, sacct (default: PATH)'),
    sacct: z
      .union([z.boolean(), z.literal('auto')])
      .default('auto')
      .describe('Ask sacct about jobs slurmctld has forgotten (auto: when accounting is enabled)'),
    jobNamePrefix: z
      .string()
      .regex(/^[A-Za-z0-9_.-]*$/, 'letters, digits, _ . - only')
      .default('lamdagent'),
  })
  .strict();
export type SlurmOptionsInput = z.input<typeof SlurmOptionsSchema>;
export type SlurmOptions = z.output<typeof SlurmOptionsSchema>;

/** Parse options and name the field in the error. */
export function parseSlurmOptions(input: unknown, where = 'executor.options'): SlurmOptions {
  const res = SlurmOptionsSchema.safeParse(input ?? {});
  if (!res.success) {
    throw new Error(`${where}: ${res.error.issues.map((i) => `${[where, ...i.path].join('.')}: ${i.message}`).join('; ')}`);
  }
  return res.data;
}

/** Variables every job gets from the study process when they are set there. */
export const BASE_ENV = ['PATH', 'HOME', 'USER', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR'] as const;
