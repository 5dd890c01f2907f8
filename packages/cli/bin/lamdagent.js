#!/usr/bin/env node
// Committed launcher for the `lamdagent` command. npm links a package's bins when it installs it,
// before the package is built, so the bin must exist in the repository; it runs the built CLI.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/bin.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write(
    'lamdagent: @lamdagent/cli is not built yet. From the repository root run `npm run build` ' +
      '(or `npm install && npm run quickstart`, which builds it), then try again.\n',
  );
  process.exit(2);
}
await import(entry.href);
