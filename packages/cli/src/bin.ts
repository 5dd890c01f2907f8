#!/usr/bin/env node
import { LamdagentError } from '@lamdagent/core';
import { main } from './cli.js';

const io = { out: (t: string) => process.stdout.write(`${t}\n`), err: (t: string) => process.stderr.write(`${t}\n`), env: process.env, cwd: process.cwd() };
const ctl = new AbortController();
process.once('SIGINT', () => {
  process.stderr.write('interrupted: finishing the running trial state; resume later with `lamdagent resume DIR`\n');
  ctl.abort();
  process.exit(130);
});
main(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    const ours = LamdagentError.isInstance(e);
    const err = e instanceof Error ? e : new Error(String(e));
    process.stderr.write(`lamdagent: ${err.message}\n`);
    if (!ours && err.stack && process.env['LAMDAGENT_DEBUG']) process.stderr.write(`${err.stack}\n`);
    process.exitCode = ours ? e.exitCode : 1;
  },
);
