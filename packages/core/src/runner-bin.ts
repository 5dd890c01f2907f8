#!/usr/bin/env node
/**
 * lamdagent-runner SPEC.json: execute one job spec with its registered runner and write result.json
 * beside it. Exit 0 when the job completed, 1 when it failed, 2 for a bad spec.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runJobSpecFile } from './runner-main.js';

const file = process.argv[2];
if (!file || file === '--help' || file === '-h') {
  process.stderr.write(
    'usage: lamdagent-runner SPEC.json\n\nRuns one job spec (JSON) with the runner it names, loading the plugins it lists,\nand writes result.json into the job folder. Exit 0 completed, 1 failed, 2 bad spec.\n',
  );
  process.exit(file ? 0 : 2);
}
// First thing: say which process runs this job (beside its spec), so a study killed between starting
// this process and journaling its pid can still find it and wait for it instead of starting it again.
try {
  writeFileSync(path.join(path.dirname(path.resolve(file)), 'runner.pid'), String(process.pid));
} catch {
  /* a read-only job folder: the journaled pid is all a resume has */
}
runJobSpecFile(file, readFileSync).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`lamdagent-runner: ${(e as Error).message}\n`);
    process.exit(2);
  },
);
