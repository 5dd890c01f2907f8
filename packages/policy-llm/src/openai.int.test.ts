import { afterEach, describe, expect, it } from 'vitest';
import { createLlmPolicy } from './factory.js';
import { countChatTokens } from './usage.js';
import { type FakeServer, lastUserMessage, type Script, startFakeOpenAI } from './testing/fake-server.js';
import { grownWorld, SECRET, selectionText, TIES_INDEX } from './testing/helpers.js';
import { contextFor, finishTrial, indexOf, type World } from './testing/world.js';

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** The scripts answer by index into the space's order: candidates listed as the space has them (`fixed`). */
async function setup(script: Script, options: Record<string, unknown> = {}) {
  server = await startFakeOpenAI(script);
  const policy = await createLlmPolicy(
    {
      provider: 'openai',
      model: 'gpt-4o-2024-08-06',
      baseURL: `${server.url}/v1`,
      apiKeyEnv: 'TEST_OPENAI_KEY',
      retryBaseMs: 5,
      timeoutMs: 2000,
      candidateOrder: 'fixed',
      ...options,
    },
    { configDir: '/tmp', seed: 7, env: { TEST_OPENAI_KEY: SECRET } },
  );
  return { policy, server };
}

/** The answer naming ties_merging(base, 0--1--0, 0--2--0, weights, density). */
function tiesAnswer(w: World): string {
  return `[[0, ${indexOf(w, TIES_INDEX, 1, '0--1--0')}, ${indexOf(w, TIES_INDEX, 2, '0--2--0')}, 0, 0]]`;
}

describe('openai provider against a fake chat-completions server', () => {
  it('chooses the type by number, then all objects at once, and accounts usage', async () => {
    const w = grownWorld();
    const { policy, server } = await setup([
      { reply: 'Merging the two best SFT models looks promising.\n[[1]]', usage: { input: 1200, output: 40 } },
      { reply: `Merge the two specialists. ${tiesAnswer(w)}`, usage: { input: 2000, output: 30 } },
    ]);
    const sel = await policy.select(contextFor(w));
    expect(sel.fallback).toBeUndefined();
    expect(sel.action.name).toBe('ties_merging');
    expect(sel.action.inputs.map((o) => o.name).sort()).toEqual(['0--1--0', '0--2--0', '0.5', '[0.5, 0.5]', 'gemma-2-2b-it'].sort());
    expect(server.requests).toHaveLength(2);
    const body = server.requests[0]?.body as Record<string, unknown>;
    expect(body).toMatchObject({ model: 'gpt-4o-2024-08-06', temperature: 0, seed: 7 });
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${SECRET}`);
    // gpt-4o prices from the built-in table: $2.50 / $10 per million tokens.
    expect(sel.usage).toEqual([
      { step: 'type', inputTokens: 1200, outputTokens: 40, costUsd: (1200 * 2.5 + 40 * 10) / 1e6 },
      { step: 'objects', inputTokens: 2000, outputTokens: 30, costUsd: (2000 * 2.5 + 30 * 10) / 1e6 },
    ]);
    expect(lastUserMessage(server.requests[0]!)).toContain('1: ties_merging');
    expect(lastUserMessage(server.requests[1]!)).toContain('List B (models, 4 candidates)');
    // Lineage leaves out inputs with a single possible value (here the learning rate).
    expect(lastUserMessage(server.requests[1]!)).toContain('  2: 0--1--0  reward 0.5  = sft(gemma-2-2b-it, Toolbench tflan 60p r10r5u7)\n');
    expect(selectionText(sel)).not.toContain(SECRET);
  });

  it('feeds malformed replies and wrong arity back, then accepts the corrected answer', async () => {
    const w = grownWorld();
    const { policy, server } = await setup([
      { reply: 'Type [[1]]' },
      { reply: 'I would merge the best two models.' },
      { reply: 'OK: [[0, 1]]' },
      { reply: `Sorry. Draft [[9, 9]] ... final: ${tiesAnswer(w)}` },
    ]);
    const sel = await policy.select(contextFor(w));
    expect(sel.fallback).toBeUndefined();
    expect(sel.action.name).toBe('ties_merging');
    expect(server.requests).toHaveLength(4);
    const third = (server.requests[2]?.body as { messages: { role: string; content: string }[] }).messages;
    expect(third.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(third[2]?.content).toContain('no answer found');
    expect(lastUserMessage(server.requests[3]!)).toContain('expected 5 numbers');
    expect(sel.usage?.map((u) => u.step)).toEqual(['type', 'objects', 'objects', 'objects']);
  });

  it('falls back to a seeded random action after repeated out-of-range answers, and says why', async () => {
    const w = grownWorld();
    const script: Script = (_req, n) => (n === 0 ? { reply: '[[1]]' } : { reply: 'Pick: [[0, 1, 99, 0, 0]]' });
    const run = async () => {
      const { policy, server } = await setup(script, { parseRetries: 2 });
      const sel = await policy.select(contextFor(w, { seed: 11 }));
      expect(server.requests).toHaveLength(4);
      await server.close();
      return sel;
    };
    const a = await run();
    const b = await run();
    expect(a.fallback).toMatch(/objects step: no usable answer in 3 replies .*99 for input 3 \(model\) is out of range.*random ties_merging action/);
    expect(a.action.name).toBe('ties_merging');
    expect(b.action.key).toBe(a.action.key);
  });

  it('retries a 429, honouring Retry-After, then succeeds', async () => {
    const w = grownWorld();
    const { policy, server } = await setup([{ status: 429, headers: { 'retry-after': '0.2' } }, { reply: '[[1]]' }, { reply: tiesAnswer(w) }], {
      retryBaseMs: 10_000,
    });
    const t0 = Date.now();
    const sel = await policy.select(contextFor(w));
    const elapsed = Date.now() - t0;
    expect(sel.fallback).toBeUndefined();
    expect(server.requests).toHaveLength(3);
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(3000);
    expect(selectionText(sel)).toMatch(/provider: HTTP 429: rate limit reached.*retry 1 of 4 in 0\.2 s/);
  });

  it('gives up on persistent 500s after maxRetries and falls back without throwing', async () => {
    const w = grownWorld();
    const { policy, server } = await setup(() => ({ status: 500 }), { maxRetries: 2 });
    const sel = await policy.select(contextFor(w));
    expect(server.requests).toHaveLength(3);
    expect(sel.fallback).toMatch(/^type step: provider error: HTTP 500: fake server error 500; fell back to a random action$/);
    expect(sel.usage).toEqual([]);
  });

  it('does not retry a 400, and falls back at once', async () => {
    const w = grownWorld();
    const { policy, server } = await setup(() => ({ status: 400, body: { error: { message: 'model not found', type: 'invalid_request_error' } } }));
    const sel = await policy.select(contextFor(w));
    expect(server.requests).toHaveLength(1);
    expect(sel.fallback).toMatch(/HTTP 400: model not found/);
  });

  it('retries timeouts, dropped connections and unreadable bodies', async () => {
    const w = grownWorld();
    const { policy, server } = await setup([{ hang: true }, { drop: true }, { raw: '{"choices": [' }, { reply: '[[1]]' }, { reply: tiesAnswer(w) }], {
      timeoutMs: 300,
    });
    const sel = await policy.select(contextFor(w));
    expect(sel.fallback).toBeUndefined();
    expect(server.requests).toHaveLength(5);
    const text = selectionText(sel);
    expect(text).toContain('request timed out after 300 ms; retry 1 of 4');
    expect(text).toMatch(/connection failed.*retry 2 of 4/);
    expect(text).toMatch(/unreadable reply.*retry 3 of 4/);
  });

  it('stops at once when the study is interrupted during a request or a backoff', async () => {
    const w = grownWorld();
    const { policy } = await setup([{ hang: true }], { timeoutMs: 60_000 });
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('interrupted')), 100);
    const t0 = Date.now();
    await expect(policy.select(contextFor(w, { signal: ac.signal }))).rejects.toThrow();
    expect(Date.now() - t0).toBeLessThan(2000);
    await server?.close();

    // Interrupted during the 30 s backoff: the abort follows the server's 503, not a fixed delay (on a
    // loaded machine the request may not even have reached the server after 100 ms).
    const ac2 = new AbortController();
    const second = await setup(() => {
      setTimeout(() => ac2.abort(new Error('interrupted')), 50);
      return { status: 503, headers: { 'retry-after': '30' } };
    });
    await expect(second.policy.select(contextFor(w, { signal: ac2.signal }))).rejects.toThrow('interrupted');
    expect(second.server.requests).toHaveLength(1);
  });

  it('counts tokens with o200k when the server reports no usage', async () => {
    const w = grownWorld();
    const { policy, server } = await setup([
      { reply: '[[0]]', usage: null },
      { reply: '[[1, 2, 0]]', usage: null },
    ]);
    const sel = await policy.select(contextFor(w));
    expect(sel.action.name).toBe('sft');
    const messages = (server.requests[0]?.body as { messages: { role: string; content: string }[] }).messages;
    expect(sel.usage?.[0]?.inputTokens).toBe(await countChatTokens(messages));
    expect(sel.usage?.[0]?.outputTokens).toBe(3); // "[[0]]" is 3 o200k tokens
    expect(sel.usage?.[0]?.inputTokens).toBeGreaterThan(300);
  });

  it('never writes the API key: not in transcripts, fallbacks or prompts, even when a server or a log echoes it', async () => {
    const w = grownWorld();
    const base = w.space.candidates(0, 0)[0]!;
    const ds = w.space.candidates(0, 1)[5]!;
    const lr = w.space.candidates(0, 2)[0]!;
    finishTrial(w, w.space.make(0, [base, ds, lr]), {
      error: {
        type: 'RunnerError',
        message: `upload failed with key ${SECRET}`,
        logExcerpt: `POST /v1/upload\nAuthorization: Bearer ${SECRET}\nHF token hf_abcdefghijklmnopqrstuvwxyz123456 rejected\nCUDA out of memory`,
      },
    });
    const { policy, server } = await setup([{ reply: '[[0]]' }, { status: 401, body: { error: { message: `Incorrect API key provided: ${SECRET}.` } } }]);
    const sel = await policy.select(contextFor(w));
    const everything = JSON.stringify(sel) + JSON.stringify(server.requests.map((r) => r.body));
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toContain('hf_abcdefghijklmnopqrstuvwxyz123456');
    expect(everything).toContain('[REDACTED]');
    expect(lastUserMessage(server.requests[0]!)).toMatch(/RunnerError: upload failed with key \[REDACTED\].*CUDA out of memory/);
    expect(sel.fallback).toMatch(/HTTP 401: Incorrect API key provided: \[REDACTED\]/);
  });

  it('updates the memory after a trial and uses it in the next selection', async () => {
    const w = grownWorld();
    const memory = 'ToolACE SFT helps AceBench; merging 0--1--0 with 0--2--0 is untried.';
    const { policy, server } = await setup([
      { reply: `Updated memory:\n${memory}`, usage: { input: 900, output: 25 } },
      { reply: '[[0]]' },
      { reply: '[[3, 7, 0]]' },
    ]);
    const trial = w.history[2]!;
    const obs = await policy.observe!(trial, contextFor(w));
    expect(obs).toMatchObject({ state: { version: 1, memory, updates: 1 }, usage: [{ step: 'memory', inputTokens: 900, outputTokens: 25 }] });
    expect(lastUserMessage(server.requests[0]!)).toContain('#2 sft(gemma-2-2b-it, Toolbench tflan cot 30p, 1e-06) -> 0--2--0: reward 0.6');
    const sel = await policy.select(contextFor(w));
    expect(lastUserMessage(server.requests[1]!)).toContain(memory);
    expect(sel.action.inputs.map((o) => o.name)).toEqual(['0--2--0', 'ToolACE', '1e-06']);
  });
});
