#!/usr/bin/env node
import { LamdagentError } from '@lamdagent/core';
import { main } from './cli.js';
import { jsonLogRequested, jsonMessageLine } from './log-json.js';
import { failureJson } from './run-outcome.js';

const ctl = new AbortController();
let stdoutClosed = false;
const io = {
  out: (t: string) => stdoutClosed || process.stdout.write(`${t}\n`),
  err: (t: string) => process.stderr.write(`${t}\n`),
  env: process.env,
  cwd: process.cwd(),
  signal: ctl.signal,
};
// First SIGINT/SIGTERM: stop cleanly (running trials' jobs cancelled, their process groups killed,
// journaled as cancelled; resume runs them again). A second one: leave now (jobs killed on exit).
let signalled: NodeJS.Signals | undefined;
// Commands that stop cleanly on a signal; the others stop at once, as before.
const graceful = ['run', 'resume', 'dashboard'].includes(process.argv[2] ?? '');
const onSignal = (sig: NodeJS.Signals): void => {
  if (signalled || !graceful) {
    process.stderr.write(`${sig} again: aborting now\n`);
    process.exit(sig === 'SIGINT' ? 130 : 143);
  }
  signalled = sig;
  process.stderr.write(`${sig}: stopping: running trials are cancelled and journaled; send it again to abort now\n`);
  ctl.abort();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
// The reader of stdout went away (`lamdagent table DIR | head`): a short command ends quietly, as Unix
// tools do; a study (run, resume, dashboard) goes on without its stdout and stops as it would have.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
  stdoutClosed = true;
  if (!graceful) process.exit(0);
});

main(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = signalled && code === 130 ? (signalled === 'SIGINT' ? 130 : 143) : code;
    // Stopped by a signal, with everything journaled: leave now. A job of the in-process executor
    // that ignores the abort would otherwise keep this process alive until it ends (it is journaled
    // as cancelled, and resume runs it again).
    if (signalled) process.exit();
  },
  (e: unknown) => {
    const ours = LamdagentError.isInstance(e);
    const err = e instanceof Error ? e : new Error(String(e));
    // With --log-format json every stderr line is one JSON object, the fatal error too.
    if (jsonLogRequested(process.argv.slice(2))) process.stderr.write(`${jsonMessageLine('error', failureJson(e), process.env)}\n`);
    else process.stderr.write(`lamdagent: ${err.message}\n`);
    if (!ours && err.stack && process.env['LAMDAGENT_DEBUG']) process.stderr.write(`${err.stack}\n`);
    process.exitCode = ours ? e.exitCode : 1;
  },
);
