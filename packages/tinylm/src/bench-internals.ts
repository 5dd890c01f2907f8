/**
 * Internals the benchmark needs to feed PyTorch exactly the batches `sft` trains on (built as
 * dist/bench-internals.js; not part of the package's exports).
 */
export { encodePair, lengthGroupedBatches, makeBatch } from './batching.js';
export { learningRateAt } from './adamw.js';
export { plannedSteps, warmupSteps } from './progress.js';
export { Mulberry32 } from '@lamdagent/core/kit';
