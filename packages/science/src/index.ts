import { sciencePlugin } from './plugin.js';

export * from './stats.js';
export * from './tests.js';
export * from './table.js';
export * from './fingerprint.js';
export * from './chain.js';
export * from './evaluate.js';
export * from './export.js';
export * from './replay-executor.js';
export { sciencePlugin };
export default sciencePlugin;
export * from './policies-arg.js';
export * from './compare.js';
export * from './compare-report.js';
export * from './compare-run.js';
export * from './figure.js';
export * from './run-table.js';
