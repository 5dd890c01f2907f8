import { pluginConformance } from '@lamdagent/testkit';
import plugin from './index.js';

// An unreachable local server: the policy must still pick an enumerated action (its random fallback).
pluginConformance(plugin, {
  factoryOptions: { llm: { provider: 'openai', model: 'test-model', baseURL: 'http://127.0.0.1:9/v1', maxRetries: 0, timeoutMs: 2000, parseRetries: 0 } },
});
