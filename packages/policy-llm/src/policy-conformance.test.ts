import { policyConformance } from '@lamdagent/testkit';
import { afterAll } from 'vitest';
import { llmPolicyFactory } from './factory.js';
import { makeAgent } from './testing/agent.js';
import { startFakeOpenAI } from './testing/fake-server.js';

// testkit's behavioural policy suite on the llm policy, through the real OpenAI client against the
// package's fake OpenAI server. Its agent reads the prompts like a model and answers as a deterministic
// one (the same messages, the same reply), so determinism by seed and state surviving observe →
// restore (the memory) are the policy's own properties; pending and tried actions must be avoided
// (the policy excludes them and tells the agent why).
const server = await startFakeOpenAI(makeAgent({ deterministic: true }));
afterAll(() => server.close());

policyConformance(llmPolicyFactory, {
  options: { provider: 'openai', model: 'gpt-4o-2024-08-06', baseURL: `${server.url}/v1`, maxRetries: 0, retryBaseMs: 5, timeoutMs: 5000 },
});
