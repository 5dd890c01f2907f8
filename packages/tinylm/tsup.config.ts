import { defineConfig } from 'tsup';
import shared from '../../tsup.shared.js';

export default defineConfig({
  ...shared,
  // bench-internals: the batching the trainers use, for bench/bench.mjs (not a package export).
  entry: ['src/index.ts', 'src/bench-internals.ts'],
});
