import { defineConfig } from 'tsup';
import shared from '../../tsup.shared.js';

export default defineConfig({
  ...shared,
  // tfjs-core's gradient definitions ship only as extension-less ESM files that Node cannot import;
  // bundle them (they register into tfjs' global registry, shared with the external tfjs-core).
  noExternal: [/^@tensorflow\/tfjs-core\/dist\/gradients\//],
});
