import { build } from 'esbuild';
import { defineConfig } from 'tsup';
import shared from '../../tsup.shared.js';

/** The page's script and styles (views, uPlot, dagre) as one browser bundle: dist/client/app.js + app.css. */
async function buildClient(): Promise<void> {
  await build({
    entryPoints: { app: 'src/client/main.ts' },
    outdir: 'dist/client',
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
}

export default defineConfig({
  ...shared,
  async onSuccess() {
    await buildClient();
  },
});
