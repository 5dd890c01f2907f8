import { afterEach, describe, expect, it } from 'vitest';
import { createLlmPolicy } from './factory.js';
import { countChatTokens, countTokens } from './usage.js';
import { type FakeServer, lastUserMessage, type Script, startFakeOllama } from './testing/fake-server.js';
import { grownWorld, selectionText } from './testing/helpers.js';
import { contextFor, indexOf } from './testing/world.js';

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** The scripts answer by index into the space's order: candidates listed as the space has them (`fixed`). */
async function setup(script: Script, options: Record<string, unknown> = {}) {
  server = await startFakeOllama(script);
  const policy = await createLlmPolicy(
    { provider: 'ollama', model: 'qwen2.5:7b', host: server.url, retryBaseMs: 5, timeoutMs: 2000, candidateOrder: 'fixed', ...options },
    { configDir: '/tmp', seed: 3, env: {} },
  );
  return { policy, server };
}

describe('ollama provider against a fake /api/chat server', () => {
  it('selects through /api/chat with temperature 0 and the study seed, and reads eval counts', async () => {
    const w = grownWorld();
    const tool = indexOf(w, 0, 1, 'ToolACE');
    const { policy, server } = await setup([
      { reply: '<think>sft is cheap</think>\nI pick [[0]]', usage: { input: 800, output: 12 } },
      { reply: `[[3, ${tool}, 0]]`, usage: { input: 1500, output: 9 } },
    ]);
    const sel = await policy.select(contextFor(w));
    expect(sel.fallback).toBeUndefined();
    expect(sel.action.inputs.map((o) => o.name)).toEqual(['0--2--0', 'ToolACE', '1e-06']);
    expect(server.requests[0]?.path).toBe('/api/chat');
    expect(server.requests[0]?.body).toMatchObject({ model: 'qwen2.5:7b', stream: false, options: { temperature: 0, seed: 3 } });
    expect(server.requests[0]?.headers.authorization).toBeUndefined();
    expect(sel.usage).toEqual([
      { step: 'type', inputTokens: 800, outputTokens: 12, costUsd: 0 },
      { step: 'objects', inputTokens: 1500, outputTokens: 9, costUsd: 0 },
    ]);
  });

  it('counts tokens itself when Ollama omits them (cached prompt), and prices them from the options', async () => {
    const w = grownWorld();
    const { policy, server } = await setup(
      [
        { reply: '[[0]]', usage: null },
        { reply: '[[0, 0, 0]]', usage: null },
      ],
      { prices: { inputPerMTok: 1, outputPerMTok: 2 } },
    );
    const sel = await policy.select(contextFor(w));
    const msgs = (server.requests[1]?.body as { messages: { role: string; content: string }[] }).messages;
    const input = await countChatTokens(msgs);
    const output = await countTokens('[[0, 0, 0]]');
    expect(sel.usage?.[1]).toEqual({ step: 'objects', inputTokens: input, outputTokens: output, costUsd: (input * 1 + output * 2) / 1e6 });
  });

  it('retries 429 (Retry-After), 503, dropped connections and timeouts, then succeeds', async () => {
    const w = grownWorld();
    const { policy, server } = await setup(
      [{ status: 429, headers: { 'retry-after': '0' } }, { status: 503 }, { drop: true }, { hang: true }, { reply: '[[0]]' }, { reply: '[[1, 1, 0]]' }],
      { timeoutMs: 300, maxRetries: 4 },
    );
    const sel = await policy.select(contextFor(w));
    expect(sel.fallback).toBeUndefined();
    expect(server.requests).toHaveLength(6);
    const text = selectionText(sel);
    expect(text).toMatch(/HTTP 429.*retry 1 of 4 in 0\.0 s/);
    expect(text).toMatch(/HTTP 503.*retry 2 of 4/);
    expect(text).toMatch(/connection failed.*retry 3 of 4/);
    expect(text).toMatch(/timed out after 300 ms; retry 4 of 4/);
  });

  it('falls back when the server keeps failing, and when the model is missing', async () => {
    const w = grownWorld();
    const { policy, server } = await setup(() => ({ status: 500 }), { maxRetries: 1 });
    const sel = await policy.select(contextFor(w));
    expect(server.requests).toHaveLength(2);
    expect(sel.fallback).toMatch(/type step: provider error: HTTP 500/);
    await server.close();

    const second = await setup(() => ({ status: 404, body: { error: "model 'qwen2.5:7b' not found" } }));
    const sel2 = await second.policy.select(contextFor(w));
    expect(second.server.requests).toHaveLength(1);
    expect(sel2.fallback).toMatch(/HTTP 404: model 'qwen2.5:7b' not found/);
  });

  it('sends a bearer key only when apiKeyEnv names one, and keeps it out of transcripts', async () => {
    const w = grownWorld();
    server = await startFakeOllama([{ status: 401, body: { error: 'bad key ollama-secret-value-123' } }]);
    const policy = await createLlmPolicy(
      { provider: 'ollama', model: 'qwen2.5:7b', host: server.url, apiKeyEnv: 'OLLAMA_KEY' },
      { configDir: '/tmp', seed: 3, env: { OLLAMA_KEY: 'ollama-secret-value-123' } },
    );
    const sel = await policy.select(contextFor(w));
    expect(server.requests[0]?.headers.authorization).toBe('Bearer ollama-secret-value-123');
    expect(JSON.stringify(sel)).not.toContain('ollama-secret-value-123');
    expect(sel.fallback).toContain('[REDACTED]');
    expect(lastUserMessage(server.requests[0]!)).toContain('# Action types');
  });
});
