/** Shared tsup settings for every package: ESM, type declarations, Node 20. */
export default {
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  platform: 'node',
};
