export * from './stats.js';
export * from './tests.js';
