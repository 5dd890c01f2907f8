import { defineConfig } from 'tsup';
import shared from '../../tsup.shared.js';

// The merge worker is its own entry: worker threads load dist/merge-worker.js.
export default defineConfig({ ...shared, entry: { index: 'src/index.ts', 'merge-worker': 'src/engine/worker.ts' } });
