export { readRows, plain, ROW_FILE_EXTENSIONS } from './rows.js';
export type { SourceRow } from './rows.js';
export { BENCHMARKS, findBenchmark, aceGroundTruthCall } from './benchmarks.js';
export type { Benchmark, BenchmarkItem } from './benchmarks.js';
export { loadBenchmarkItems, benchmarkFormats, describeIssues, NATIVE_FORMAT } from './load.js';
export { findSplitData } from './data-dir.js';
export { mathPrompt, choicePrompt, readingPrompt, openQaPrompt, functionCallPrompt, CONTEXT_CHARS } from './prompts.js';
export { suitePreflight, checkDataHead } from './preflight.js';
