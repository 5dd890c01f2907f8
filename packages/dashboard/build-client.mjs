// Bundles the page (src/client: views, uPlot, dagre, styles) into dist/client/app.js and app.css.
// Used by tsup.config.ts after the library build, and by the browser tests when the bundle is missing or stale.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.dirname(fileURLToPath(import.meta.url));
export const CLIENT_OUT = path.join(root, 'dist', 'client');

export async function buildClient() {
  await build({
    absWorkingDir: root,
    entryPoints: { app: 'src/client/main.ts' },
    outdir: CLIENT_OUT,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
}

/** True when dist/client/app.js is missing or older than a source file of the page. */
export function clientStale() {
  const out = path.join(CLIENT_OUT, 'app.js');
  if (!existsSync(out)) return true;
  const built = statSync(out).mtimeMs;
  const newest = (dir) =>
    Math.max(
      0,
      ...readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newest(path.join(dir, e.name)) : statSync(path.join(dir, e.name)).mtimeMs)),
    );
  return Math.max(newest(path.join(root, 'src', 'client')), newest(path.join(root, 'src', 'shape'))) > built;
}
