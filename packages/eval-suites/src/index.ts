/** @lamdagent/eval-suites: task scorers, evaluation datasets, generation backends and the `suite` evaluator. */
export { default } from './plugin.js';
export { PLUGIN_NAME, PLUGIN_VERSION } from './plugin.js';
export {
  SCORERS,
  SCORER_NAMES,
  extractFinalNumber,
  scoreNumeric,
  parseChoice,
  scoreChoice,
  normalizeAnswer,
  scoreExact,
  goldList,
  parseToolCall,
  jsonEqual,
  scoreToolCall,
  judgeReply,
  gradeJudge,
  parseRubric,
} from './scorers/index.js';
export type { Gold, Scorer, ScorerName, ToolCall, JudgeReport } from './scorers/index.js';
export { defineScorer } from '@lamdagent/core';
export type { ScorerDefinition, ScorerItem, ScorerReference, ScorerCatalog } from '@lamdagent/core';
export { resolveScorer, knownScorerNames, scorerProblem, builtinScorerDefinition } from './scorers/resolve.js';
export type { ResolvedScorer } from './scorers/resolve.js';
export { EvalItemSchema, loadEvalDataset, parseEvalJsonl } from './dataset.js';
export type { EvalItem } from './dataset.js';
export { DatasetError, TaskOptionsError, BackendError } from './errors.js';
export { TASK_PRESETS, findPreset } from './presets.js';
export type { TaskPreset } from './presets.js';
export { SuiteTaskOptionsSchema, resolveTask, scorerFor } from './task-options.js';
export type { SuiteTaskOptions, ResolvedTask, SuiteDefaults } from './task-options.js';
export { createSuiteEvaluator, SuiteEvaluatorOptionsSchema, cutAtStop } from './suite.js';
export type { SuiteEvaluatorOptions, ItemResult } from './suite.js';
export { createTinyBackend, TinyBackendOptionsSchema } from './backends/tiny.js';
export type { TinyRuntime, TinyBackendOptions } from './backends/tiny.js';
export { tinylmRuntime } from './backends/tinylm-runtime.js';
export { createOpenAICompatibleBackend, OpenAICompatibleOptionsSchema, completionsUrl } from './backends/openai-compatible.js';
export type { OpenAICompatibleOptions } from './backends/openai-compatible.js';
export { createOnnxBackend, OnnxBackendOptionsSchema } from './backends/onnx.js';
export type { OnnxBackendOptions } from './backends/onnx.js';
export {
  readRows,
  plain,
  ROW_FILE_EXTENSIONS,
  BENCHMARKS,
  findBenchmark,
  aceGroundTruthCall,
  loadBenchmarkItems,
  benchmarkFormats,
  describeIssues,
  NATIVE_FORMAT,
  findSplitData,
  mathPrompt,
  choicePrompt,
  readingPrompt,
  openQaPrompt,
  functionCallPrompt,
  CONTEXT_CHARS,
  suitePreflight,
  checkDataHead,
} from './loaders/index.js';
export type { SourceRow, Benchmark, BenchmarkItem } from './loaders/index.js';
export { LlmJudge, JudgeError, judgeMessages, parseRating, RATING_ANSWER, JUDGE_PROMPT_VERSION, MIN_RATING, MAX_RATING } from './judge-llm.js';
export type { JudgeChat, JudgeItem, JudgeRating, JudgeUsage, LlmJudgeOptions } from './judge-llm.js';
export { createJudgeEvaluator, JudgeEvaluatorOptionsSchema, policyLlmJudgeChat, judgePreflight, JUDGE_PROVIDERS_PACKAGE } from './judge-evaluator.js';
export type { JudgeEvaluatorOptions, JudgeChatFactory } from './judge-evaluator.js';
