import path from 'node:path';
import { CORE_API_VERSION, definePlugin, type Executor, type Factory } from '@lamdagent/core';
import { SlurmExecutor } from './executor.js';
import { SlurmOptionsSchema, type SlurmOptions } from './options.js';

export { SlurmExecutor, SubmissionSchema, readSubmission, type Submission, type SlurmExecutorDeps } from './executor.js';
export { SlurmOptionsSchema, parseSlurmOptions, RESERVED_DIRECTIVES, BASE_ENV, type SlurmOptions, type SlurmOptionsInput } from './options.js';
export { CommandSlurmCli, SlurmCommandError, type SlurmCli } from './slurm-cli.js';
export { classifyEnd, readRunnerResult, readBatchStatus, BatchStatusSchema, type BatchStatus, type CancelReason, type EndFacts } from './classify.js';
export { BATCH_SCRIPT, JOB_FILES, sbatchArgs, slurmJobName, slurmLogPaths, exportList, type SbatchCommand } from './sbatch.js';
export {
  TERMINAL_STATES,
  isTerminal,
  parseSqueue,
  parseScontrolJob,
  parseSacct,
  parseSlurmDuration,
  parseExitCode,
  formatTimeLimit,
  type SlurmJobInfo,
  type TerminalState,
} from './parse.js';

/** The `slurm` executor factory: options validated by SlurmOptionsSchema; relative paths resolve from the config's folder. */
export const slurmExecutorFactory: Factory<Executor, SlurmOptions> = {
  name: 'slurm',
  description: 'runs each job as a Slurm batch job (sbatch; shared file system assumed)',
  optionsSchema: SlurmOptionsSchema,
  create: (o, ctx) => {
    const abs = (p: string | undefined): string | undefined =>
      p === undefined ? undefined : path.isAbsolute(p) || !p.includes('/') ? p : path.resolve(ctx.configDir, p);
    const resolved: SlurmOptions = { ...o };
    const runner = abs(o.lamdagentRunner);
    if (runner !== undefined) resolved.lamdagentRunner = runner;
    const bin = abs(o.binDir);
    if (bin !== undefined) resolved.binDir = bin;
    return new SlurmExecutor(resolved, { env: ctx.env });
  },
};

export default definePlugin({
  name: '@lamdagent/executor-slurm',
  version: '0.1.0',
  apiVersion: CORE_API_VERSION,
  description: 'Slurm batch-job executor',
  provides: { executors: ['slurm'] },
  register(r) {
    r.executor(slurmExecutorFactory);
  },
});
