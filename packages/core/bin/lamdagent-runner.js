#!/usr/bin/env node
// Committed launcher for `lamdagent-runner`: npm links bins at install time, before the package is
// built, so the bin must exist in the repository; it runs the built entry.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/runner-bin.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('lamdagent-runner: @lamdagent/core is not built yet. From the repository root run `npm run build`, then try again.\n');
  process.exit(2);
}
await import(entry.href);
