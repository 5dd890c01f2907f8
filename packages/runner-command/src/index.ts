import { CORE_API_VERSION, definePlugin } from '@lamdagent/core';
import { dpoTrlRunner, genericCommandRunner, sftTrlRunner } from './runner.js';

export {
  genericCommandRunner,
  commandRunner,
  commandOf,
  pythonDir,
  sftTrlRunner,
  dpoTrlRunner,
  TrlRunnerParamsSchema,
  type CommandRunnerDefinition,
} from './runner.js';
export { resolvePython, defaultVenvDir, venvReady, PYTHON_FIX, type ResolvedPython } from './python-env.js';
export {
  runCommand,
  readMetrics,
  checkModelFolder,
  CommandExitError,
  CommandSignalError,
  CommandSpawnError,
  BadResultError,
  COMMAND_LOG,
  type RunCommandOptions,
} from './run.js';
export { CommandSpecSchema, CommandParamSchema, MetricsFileSchema, parseCommandSpec, type CommandSpec, type CommandSpecInput } from './spec.js';
export { expandArgv, expandString, argString, TemplateError, PLACEHOLDERS, type TemplateContext } from './template.js';

export default definePlugin({
  name: '@lamdagent/runner-command',
  version: '0.1.0',
  apiVersion: CORE_API_VERSION,
  description: "runs a user's own training command (argv template, no shell); reference SFT and DPO runners in Python (TRL)",
  provides: { runners: ['command', 'sft-trl', 'dpo-trl'] },
  register(r) {
    r.runner(genericCommandRunner);
    r.runner(sftTrlRunner);
    r.runner(dpoTrlRunner);
  },
});
