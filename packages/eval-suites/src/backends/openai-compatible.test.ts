import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { completionsUrl, createOpenAICompatibleBackend } from './openai-compatible.js';

interface Seen {
  url: string;
  auth: string | undefined;
  body: { model: string; prompt: string[]; max_tokens: number; temperature: number; stop?: string[] };
}

/** A tiny server speaking the OpenAI completions protocol; its behaviour is set per test. */
let server: Server;
let base: string;
let seen: Seen[] = [];
let respond: (seen: Seen, res: ServerResponse) => void;

function answerAll(s: Seen, res: ServerResponse): void {
  // Choices deliberately come back in reverse order: the client must sort by index.
  const choices = s.body.prompt.map((p, index) => ({ index, text: ` <${p.length}:${s.body.model}>`, finish_reason: 'stop' })).reverse();
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ id: 'cmpl-1', object: 'text_completion', model: s.body.model, choices }));
}

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString()));
    req.on('end', () => {
      const s: Seen = { url: req.url ?? '', auth: req.headers.authorization, body: JSON.parse(data) as Seen['body'] };
      seen.push(s);
      respond(s, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
});
beforeEach(() => {
  seen = [];
  respond = answerAll;
});

describe('openai-compatible backend', () => {
  it('posts batches of prompts to /v1/completions, greedy, and keeps the prompt order', async () => {
    const backend = createOpenAICompatibleBackend({ baseUrl: base, model: 'tiny-served', batchSize: 2 });
    const out = await backend.generate('/models/m', ['a', 'bb', 'ccc'], { maxNewTokens: 5, stop: ['\n'] });
    expect(out).toEqual([' <1:tiny-served>', ' <2:tiny-served>', ' <3:tiny-served>']);
    expect(seen).toHaveLength(2);
    expect(seen[0]?.url).toBe('/v1/completions');
    expect(seen[0]?.body).toMatchObject({ model: 'tiny-served', prompt: ['a', 'bb'], max_tokens: 5, temperature: 0, stop: ['\n'] });
    expect(seen[1]?.body.prompt).toEqual(['ccc']);
    expect(seen[0]?.auth).toBeUndefined();
  });

  it('defaults the model name to the model path and accepts a /v1 base URL', async () => {
    const backend = createOpenAICompatibleBackend({ baseUrl: `${base}/v1/` });
    await backend.generate('/models/m', ['x'], { maxNewTokens: 3 });
    expect(seen[0]?.url).toBe('/v1/completions');
    expect(seen[0]?.body.model).toBe('/models/m');
    expect(seen[0]?.body.stop).toBeUndefined();
    expect(completionsUrl('http://h:1')).toBe('http://h:1/v1/completions');
  });

  it('sends the API key from the named environment variable', async () => {
    const backend = createOpenAICompatibleBackend({ baseUrl: base, apiKeyEnv: 'MY_KEY' }, { MY_KEY: 'sk-test' });
    await backend.generate('m', ['x'], { maxNewTokens: 1 });
    expect(seen[0]?.auth).toBe('Bearer sk-test');
    expect(() => createOpenAICompatibleBackend({ baseUrl: base, apiKeyEnv: 'NOPE' }, {})).toThrow(/apiKeyEnv: environment variable NOPE is not set/);
  });

  it('retries on 5xx and 429, then succeeds', async () => {
    let calls = 0;
    respond = (s, res) => {
      calls++;
      if (calls === 1) return void res.writeHead(503).end('busy');
      if (calls === 2) return void res.writeHead(429).end('slow down');
      answerAll(s, res);
    };
    const backend = createOpenAICompatibleBackend({ baseUrl: base, model: 'm', retryDelayMs: 1 });
    expect(await backend.generate('m', ['x'], { maxNewTokens: 1 })).toEqual([' <1:m>']);
    expect(calls).toBe(3);
  });

  it('fails after the retries, naming the URL and the status', async () => {
    respond = (_s, res) => void res.writeHead(500).end('boom');
    const backend = createOpenAICompatibleBackend({ baseUrl: base, maxRetries: 1, retryDelayMs: 1 });
    await expect(backend.generate('m', ['x'], { maxNewTokens: 1 })).rejects.toThrow(/completions: HTTP 500: boom \(after 2 attempts\)/);
  });

  it('does not retry a client error', async () => {
    respond = (_s, res) => void res.writeHead(404).end('{"error":"model not found"}');
    const backend = createOpenAICompatibleBackend({ baseUrl: base, retryDelayMs: 1 });
    await expect(backend.generate('m', ['x'], { maxNewTokens: 1 })).rejects.toThrow(/HTTP 404: \{"error":"model not found"\}/);
    expect(seen).toHaveLength(1);
  });

  it('refuses a malformed response and a wrong number of completions', async () => {
    respond = (_s, res) => void res.writeHead(200).end('{"choices":[{"index":0}]}');
    const backend = createOpenAICompatibleBackend({ baseUrl: base });
    await expect(backend.generate('m', ['x'], { maxNewTokens: 1 })).rejects.toThrow(/unexpected response: choices\.0\.text/);
    respond = (_s, res) => void res.writeHead(200).end('{"choices":[]}');
    await expect(backend.generate('m', ['x'], { maxNewTokens: 1 })).rejects.toThrow(/asked for 1 completions, got 0/);
  });

  it('reports an unreachable server and a bad option', async () => {
    const backend = createOpenAICompatibleBackend({ baseUrl: 'http://127.0.0.1:1', maxRetries: 0 });
    await expect(backend.generate('m', ['x'], { maxNewTokens: 1 })).rejects.toThrow(/POST http:\/\/127\.0\.0\.1:1\/v1\/completions: /);
    expect(() => createOpenAICompatibleBackend({ baseUrl: 'not a url' })).toThrow(/options\.baseUrl/);
  });

  it('stops when the signal aborts', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stopped'));
    const backend = createOpenAICompatibleBackend({ baseUrl: base });
    await expect(backend.generate('m', ['x'], { maxNewTokens: 1, signal: controller.signal })).rejects.toThrow('stopped');
    expect(seen).toHaveLength(0);
  });
});
