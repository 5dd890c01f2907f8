/**
 * `@lamdagent/policy-llm/testing`: local servers that speak the OpenAI chat-completions and Ollama
 * /api/chat wire protocols, scripted step by step, and a fake agent that reads the policy's prompts
 * like a model would. For testing studies, prompt templates and plugins offline through the real
 * client libraries (the Vercel AI SDK's `ai/test` idea). Bound to 127.0.0.1, any free port.
 */
export { lastUserMessage, startFakeOllama, startFakeOpenAI } from './fake-server.js';
export type { FakeServer, RecordedRequest, Script, ScriptStep } from './fake-server.js';
export { makeAgent, type AgentOptions } from './agent.js';
export { agentModelOrSkip, defaultAgentModelPath } from './agent-model.js';
