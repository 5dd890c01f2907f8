/**
 * Shared tsup settings for every package: ESM, type declarations, Node 20.
 * LAMDAGENT_DTS=0 skips the declarations (the quickstart's build: running needs only the JavaScript);
 * turbo.json lists the variable in the build task's hash.
 */
export default {
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: process.env.LAMDAGENT_DTS !== '0',
  clean: true,
  sourcemap: true,
  target: 'node20',
  platform: 'node',
};
