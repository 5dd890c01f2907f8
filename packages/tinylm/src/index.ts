/**
 * @lamdagent/tinylm: a tiny GPT-2 causal language model in the Hugging Face layout, trained (SFT, DPO)
 * and run (scoring, batched greedy generation) on its own WebAssembly SIMD kernels (the matrix product and
 * attention on prebuilt native AVX2 kernels where they load, with the same bits), on one or two threads.
 */
export { engineKernels, engineThreads, initBackend, setThreads } from './backend.js';
export { DEFAULT_SIZES, parseHFConfig, toHFConfig } from './config.js';
export type { GPT2Config, TinyLMSizes } from './config.js';
export { TinyLM } from './model.js';
export type { TinyLMInitOptions } from './model.js';
export { CharTokenizer, DEFAULT_CHARSET, SPECIAL_TOKENS } from './tokenizer.js';
export type { SpecialIds } from './tokenizer.js';
export { paramShapes } from './params.js';
export { sft } from './sft.js';
export type { SftExample, SftMetrics, SftOptions } from './sft.js';
export { dpo } from './dpo.js';
export type { DpoMetrics, DpoOptions, DpoPair, PreferenceStats } from './dpo.js';
export { sequenceLogProbs } from './logprobs.js';
export type { LogProbOptions } from './logprobs.js';
export { generate } from './generate.js';
export type { GenerateOptions } from './generate.js';
export type { OptimizerOptions, TrainProgress } from './progress.js';
export type { Schedule } from './adamw.js';
export { exportOnnx, ONNX_FILE } from './onnx-export.js';
