import { defineConfig } from 'tsup';
import shared from '../../tsup.shared.js';

export default defineConfig({ ...shared, entry: { index: 'src/index.ts', 'kit/index': 'src/kit/index.ts', 'runner-bin': 'src/runner-bin.ts' } });
