import { defineConfig } from 'tsup';
import shared from '../../tsup.shared.js';

// The plugin entry modules are built on their own: job processes load them by path from `spec.plugins`.
export default defineConfig({ ...shared, entry: ['src/index.ts', 'src/toy-plugin-entry.ts', 'src/scripted-plugin-entry.ts'] });
