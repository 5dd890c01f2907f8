import { describe, expect, it } from 'vitest';
import { createLlmPolicy } from './factory.js';
import { parseOptions } from './options.js';
import { createRedactor } from '@lamdagent/core/kit';
import { backoffMs } from './retry.js';
import { retryAfterMs } from './providers/types.js';
import { pricesFor } from './usage.js';

describe('options', () => {
  it('defaults: openai, temperature 0, retries, bounded history', () => {
    const o = parseOptions({ model: 'gpt-4o' });
    expect(o).toMatchObject({ provider: 'openai', temperature: 0, maxRetries: 4, parseRetries: 2, avoidRepeats: true, memoryMaxChars: 2000 });
    expect(o.history).toEqual({ best: 5, recent: 6, failures: 3, pending: 32, logExcerptChars: 240 });
    expect(o.seed).toBeUndefined();
  });

  it('names the bad fields', () => {
    expect(() => parseOptions({ model: '', temperature: 5, history: { best: -1 }, promts: {} })).toThrow(
      /model: .*\n.*temperature: .*\n.*history\.best: .*\n.*\(root\): Unrecognized key: "promts"/,
    );
    expect(() => parseOptions({ model: 'm', apiKeyEnv: 'sk-live-123' })).toThrow(/apiKeyEnv: an environment variable name/);
    expect(() => parseOptions({ provider: 'ollama', model: 'qwen2.5:7b', baseURL: 'http://x:1/v1' })).toThrow(/baseURL: applies to provider openai/);
  });

  it('llama-cpp: defaults, fields that do not apply, and a missing model file named at creation', async () => {
    expect(parseOptions({ provider: 'llama-cpp', model: 'm.gguf' })).toMatchObject({ contextSize: 8192, gpuLayers: 0, constrain: true, temperature: 0 });
    expect(() => parseOptions({ provider: 'llama-cpp', model: 'm.gguf', baseURL: 'http://127.0.0.1:1/v1', apiKeyEnv: 'K', temperature: null })).toThrow(
      /baseURL: does not apply to provider llama-cpp[\s\S]*apiKeyEnv: does not apply[\s\S]*temperature: llama-cpp needs a number/,
    );
    await expect(createLlmPolicy({ provider: 'llama-cpp', model: 'models/none.gguf' }, { configDir: '/srv/study', seed: 1, env: {} })).rejects.toThrow(
      'model: model file /srv/study/models/none.gguf does not exist',
    );
  });

  it('needs the API key for api.openai.com, names the variable, and uses the study seed', async () => {
    await expect(createLlmPolicy({ model: 'gpt-4o' }, { configDir: '/', seed: 1, env: {} })).rejects.toThrow(
      /apiKeyEnv: environment variable OPENAI_API_KEY is not set/,
    );
    await expect(createLlmPolicy({ model: 'gpt-4o', apiKeyEnv: 'MY_KEY' }, { configDir: '/', seed: 1, env: { MY_KEY: 'k' } })).resolves.toBeDefined();
    await expect(createLlmPolicy({ model: 'served', baseURL: 'http://127.0.0.1:8000/v1' }, { configDir: '/', seed: 1, env: {} })).resolves.toBeDefined();
    await expect(
      createLlmPolicy({ model: 'x', baseURL: 'https://openrouter.ai/api/v1', apiKeyEnv: 'OPENROUTER_API_KEY' }, { configDir: '/', seed: 1, env: {} }),
    ).rejects.toThrow(/apiKeyEnv: environment variable OPENROUTER_API_KEY is not set/);
  });
});

describe('prices, retries, redaction', () => {
  it('prices: explicit table, built-in OpenAI table by longest prefix, free otherwise', () => {
    expect(pricesFor('openai', 'gpt-4o-2024-08-06')).toEqual({ inputPerMTok: 2.5, outputPerMTok: 10 });
    expect(pricesFor('openai', 'gpt-4o-mini-2024-07-18')).toEqual({ inputPerMTok: 0.15, outputPerMTok: 0.6 });
    expect(pricesFor('openai', 'Qwen/Qwen2.5-7B-Instruct')).toEqual({ inputPerMTok: 0, outputPerMTok: 0 });
    expect(pricesFor('ollama', 'gpt-4o')).toEqual({ inputPerMTok: 0, outputPerMTok: 0 });
    expect(pricesFor('openai', 'gpt-4o', { inputPerMTok: 1, outputPerMTok: 1 })).toEqual({ inputPerMTok: 1, outputPerMTok: 1 });
  });

  it('Retry-After in seconds, milliseconds or as a date; exponential backoff with jitter', () => {
    const h = (o: Record<string, string>) => new Headers(o);
    expect(retryAfterMs(h({ 'retry-after': '2' }))).toBe(2000);
    expect(retryAfterMs(h({ 'retry-after-ms': '150', 'retry-after': '9' }))).toBe(150);
    expect(retryAfterMs(h({ 'retry-after': new Date(10_000).toUTCString() }), 4_000)).toBe(6000);
    expect(retryAfterMs(h({}))).toBeUndefined();
    const p = { maxRetries: 5, baseMs: 1000, maxMs: 5000 };
    expect(backoffMs(0, p, () => 1)).toBe(1000);
    expect(backoffMs(2, p, () => 0)).toBe(2000);
    expect(backoffMs(10, p, () => 1)).toBe(5000);
  });

  it('redacts given secrets and common secret shapes', () => {
    const r = createRedactor(['my-very-secret']);
    expect(r('key my-very-secret here')).toBe('key [REDACTED] here');
    expect(r('Authorization: Bearer abc.def-123456789')).toBe('Authorization: [REDACTED]');
    expect(r('{"api_key": "zzz123"}')).toBe('{"api_key": "[REDACTED]"}');
    expect(r('token sk-proj-abcdefghijklmnop1234 and hf_abcdefghijklmnopqrstuvwx')).toBe('token [REDACTED] and [REDACTED]');
    expect(r('reward 0.61 on ToolACE')).toBe('reward 0.61 on ToolACE');
  });
});
