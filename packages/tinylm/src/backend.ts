/**
 * One-time initialisation of the tfjs wasm backend for Node.
 *
 * The wasm binaries ship inside `@tensorflow/tfjs-backend-wasm/dist`; we resolve that folder with
 * `createRequire`, so the same code works from the TypeScript sources (vitest) and from the built dist.
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { registerGradients } from './gradients.js';

let ready: Promise<void> | undefined;

/** Folder that holds `tfjs-backend-wasm*.wasm`, with a trailing separator. */
export function wasmBinaryDir(): string {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve('@tensorflow/tfjs-backend-wasm/package.json');
  return path.join(path.dirname(pkg), 'dist') + path.sep;
}

/**
 * Select the wasm backend (idempotent, safe to call concurrently).
 * Every public entry point of this package awaits it, so calling it yourself is optional.
 */
export function initBackend(): Promise<void> {
  registerGradients();
  ready ??= (async () => {
    if (tf.getBackend() === 'wasm') return;
    const dir = wasmBinaryDir();
    // tfjs' Node loader reads the binaries with fs, so a plain folder path (not a URL) is right here.
    setWasmPaths(dir);
    const ok = await tf.setBackend('wasm');
    if (!ok) throw new Error(`tinylm: could not initialise the tfjs wasm backend from ${dir}`);
    await tf.ready();
  })().catch((error: unknown) => {
    ready = undefined;
    throw error;
  });
  return ready;
}
