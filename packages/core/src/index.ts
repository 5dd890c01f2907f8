import 'reflect-metadata';

export * from './json.js';
export * from './errors.js';
export * from './tokens.js';
export * from './objects.js';
export * from './action-type.js';
export * from './jobs.js';
export * from './runner.js';
export * from './executor.js';
export * from './evaluator.js';
export * from './aggregator.js';
export * from './trial.js';
export * from './policy.js';
export * from './rng.js';
export * from './pool.js';
export * from './combinatorics.js';
export * from './space.js';
export * from './plugin.js';
