import { describe, expect, it } from 'vitest';
import { llmPolicyFactory } from './factory.js';
import { parseOptions } from './options.js';

describe('llm policy preflight', () => {
  const pre = (o: Record<string, unknown>, env: Record<string, string>) => llmPolicyFactory.preflight!(parseOptions(o), { configDir: '.', env });
  it('reports a missing API key before the study starts', () => {
    expect(pre({ provider: 'openai', model: 'gpt-4o' }, {})).toEqual([
      { path: 'apiKeyEnv', message: 'environment variable OPENAI_API_KEY is not set; export the key there, or set baseURL for a server that needs no key' },
    ]);
    expect(pre({ provider: 'openai', model: 'm', apiKeyEnv: 'MY_KEY' }, { OPENAI_API_KEY: 'x' })[0]?.message).toMatch(/MY_KEY is not set/);
  });
  it('accepts a key that is set, a local server without a key, and ollama', () => {
    expect(pre({ provider: 'openai', model: 'gpt-4o' }, { OPENAI_API_KEY: 'sk-x' })).toEqual([]);
    expect(pre({ provider: 'openai', model: 'm', baseURL: 'http://127.0.0.1:8000/v1' }, {})).toEqual([]);
    expect(pre({ provider: 'ollama', model: 'qwen2.5:7b' }, {})).toEqual([]);
  });
});
