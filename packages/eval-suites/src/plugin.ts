import { CORE_API_VERSION, definePlugin } from '@lamdagent/core';
import { createOnnxBackend, OnnxBackendOptionsSchema } from './backends/onnx.js';
import { createOpenAICompatibleBackend, OpenAICompatibleOptionsSchema } from './backends/openai-compatible.js';
import { createTinyBackend, TinyBackendOptionsSchema } from './backends/tiny.js';
import { tinylmRuntime } from './backends/tinylm-runtime.js';
import { createSuiteEvaluator, SuiteEvaluatorOptionsSchema } from './suite.js';
import { suitePreflight } from './loaders/preflight.js';
import { createJudgeEvaluator, judgePreflight, JudgeEvaluatorOptionsSchema } from './judge-evaluator.js';
import { SCORERS, type ScorerName } from './scorers/index.js';
import { BUILTIN_SCORER_DESCRIPTIONS, builtinScorerDefinition } from './scorers/resolve.js';

export const PLUGIN_NAME = '@lamdagent/eval-suites';
export const PLUGIN_VERSION = '0.1.0';

/** The plugin: the `suite` and `llm-judge` evaluators, the built-in scorers and the `tiny`, `openai-compatible` and `onnx` generation backends. */
export default definePlugin({
  name: PLUGIN_NAME,
  version: PLUGIN_VERSION,
  apiVersion: CORE_API_VERSION,
  description: 'Task scorers (numeric, choice, exact), evaluation datasets and generation backends',
  provides: { evaluators: ['suite', 'llm-judge'], generationBackends: ['tiny', 'openai-compatible', 'onnx'], scorers: Object.keys(SCORERS) },
  register(r) {
    for (const [name, s] of Object.entries(SCORERS) as [ScorerName, (typeof SCORERS)[ScorerName]][]) {
      r.scorer(builtinScorerDefinition(s, BUILTIN_SCORER_DESCRIPTIONS[name]));
    }
    r.evaluator({
      name: 'suite',
      description: 'generate answers with a backend, score them (numeric, choice, exact), keep per-item results',
      optionsSchema: SuiteEvaluatorOptionsSchema,
      preflight: (options, ctx) => suitePreflight(options, ctx),
      create: (options, ctx) => createSuiteEvaluator(options, ctx),
    });
    r.evaluator({
      name: 'llm-judge',
      description: 'MT-Bench turn 1: generate answers with a backend, an LLM judge rates them 1-10 (mean rating; give the task max: 10)',
      optionsSchema: JudgeEvaluatorOptionsSchema,
      preflight: (options) => judgePreflight(options),
      create: (options, ctx) => createJudgeEvaluator(options, ctx),
    });
    r.generationBackend({
      name: 'tiny',
      description: 'in-process greedy generation with a @lamdagent/tinylm model',
      optionsSchema: TinyBackendOptionsSchema,
      create: (options) => createTinyBackend(options, tinylmRuntime()),
    });
    r.generationBackend({
      name: 'openai-compatible',
      description: 'an OpenAI-compatible /v1/completions server (vLLM, llama.cpp server) serving the model',
      optionsSchema: OpenAICompatibleOptionsSchema,
      create: (options, ctx) => createOpenAICompatibleBackend(options, ctx.env),
    });
    r.generationBackend({
      name: 'onnx',
      description: 'in-process greedy generation with an ONNX export of the model (onnxruntime-node) and its tokenizer.json',
      optionsSchema: OnnxBackendOptionsSchema,
      create: (options) => createOnnxBackend(options),
    });
  },
});
