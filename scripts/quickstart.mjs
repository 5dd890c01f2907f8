#!/usr/bin/env node
// `npm run quickstart [-- options]`: build what the quickstart runs, then run it (examples/quickstart/src/main.mjs,
// which takes the options; `npm run quickstart -- --help` lists them).
// The build skips type declarations (LAMDAGENT_DTS=0, read by tsup.shared.js): running needs only the
// JavaScript, and declarations are 9 of every 10 build seconds. turbo hashes LAMDAGENT_DTS, so `npm run build`
// and `npm test` build (or restore from turbo's cache) the full packages again.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const turbo = createRequire(import.meta.url).resolve('turbo/bin/turbo');
const run = (args, env = process.env) => spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env });

const started = Date.now();
process.stderr.write('== building the packages the quickstart runs (JavaScript only)\n');
const build = run([turbo, 'run', 'build', '--filter=@lamdagent/example-quickstart...', '--output-logs=errors-only'], { ...process.env, LAMDAGENT_DTS: '0' });
if (build.status !== 0) process.exit(build.status ?? 1);
process.stderr.write(`built in ${((Date.now() - started) / 1000).toFixed(0)} s\n\n`);
const r = run([path.join(root, 'examples', 'quickstart', 'src', 'main.mjs'), ...process.argv.slice(2)]);
process.exit(r.status ?? 1);
