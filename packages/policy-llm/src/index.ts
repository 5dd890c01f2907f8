import { CORE_API_VERSION, definePlugin } from '@lamdagent/core';
import pkg from '../package.json' with { type: 'json' };
import { llmPolicyFactory } from './factory.js';

export {
  createLlmPolicy,
  llmPolicyFactory,
  preflightOptions,
  DEFAULT_OLLAMA_HOST,
  DEFAULT_LLAMA_CPP_MAX_OUTPUT,
  type CreateLlmPolicyOverrides,
} from './factory.js';
export { loadPolicyFile, PolicyFileSchema, type PolicyFile } from './policy-file.js';
export { answerGrammar, answerJsonSchema, answerKeys, jsonAnswerText, type AnswerSpec } from './answer.js';
export {
  LlamaCppProvider,
  NODE_LLAMA_CPP_VERSION,
  loadedLlamaCppModels,
  modelFileProblem,
  nodeLlamaCppProblem,
  type LlamaCppProviderOptions,
} from './providers/llama-cpp.js';
export { LlmPolicy, type LlmPolicyDeps } from './policy.js';
export { ShownOrder, type CandidateOrder } from './order.js';
export {
  LlmPolicyOptionsSchema,
  HistoryLimitsSchema,
  PricesSchema,
  PromptFilesSchema,
  parseOptions,
  type LlmPolicyOptions,
  type LlmPolicyOptionsInput,
  type HistoryLimits,
  type Prices,
  type PromptFiles,
} from './options.js';
export { PromptTemplate, TEMPLATE_VARIABLES, defaultTemplates, loadTemplates, type PromptTemplates, type Step, type TemplateVars } from './templates.js';
export { DEFAULT_MEMORY_TEMPLATE, DEFAULT_OBJECTS_TEMPLATE, DEFAULT_SHORTLIST_TEMPLATE, DEFAULT_TYPE_TEMPLATE } from './default-prompts.js';
export { extractIndices, parseObjectsAnswer, parseTypeAnswer, stripReasoning, type Parsed } from './parse.js';
export { MemoryStateSchema, type MemoryState } from './memory.js';
export { type ChatMessage, type ChatProvider, type ChatReply, type ChatRequest, ProviderError, isStructuredRefusal } from './providers/types.js';
export { OpenAIProvider, type OpenAIProviderOptions } from './providers/openai.js';
export { OllamaProvider, type OllamaProviderOptions } from './providers/ollama.js';
export { BUILTIN_PRICES, costUsd, countChatTokens, countTokens, pricesFor } from './usage.js';
export { createRedactor, REDACTED, type Redactor } from '@lamdagent/core/kit';

/** The plugin: registers the `llm` policy. */
export default definePlugin({
  name: pkg.name,
  version: pkg.version,
  apiVersion: CORE_API_VERSION,
  description: pkg.description,
  provides: { policies: ['llm'] },
  register(registry) {
    registry.policy(llmPolicyFactory);
  },
});
export { createJudgeChat, JudgeProviderOptionsSchema, type JudgeProviderOptions, type JudgeChatHandle } from './judge-chat.js';
