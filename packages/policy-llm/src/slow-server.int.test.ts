import { Agent, getGlobalDispatcher, setGlobalDispatcher } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { OllamaProvider } from './providers/ollama.js';
import { OpenAIProvider } from './providers/openai.js';
import { type FakeServer, startFakeOllama, startFakeOpenAI } from './testing/fake-server.js';

// Node's fetch gives up waiting for response headers after 300 s whatever the client's timeout, and a CPU
// server answers a non-streamed request only when it is done. Waiting 300 s in a test proves nothing a
// cheaper test cannot: here the process-wide dispatcher's header timeout is cut to 400 ms (standing in for
// the 300 s default) and the server answers after 1.2 s. A plain fetch through that dispatcher loses the
// reply; the providers, whose own HTTP agent follows `timeoutMs`, get it.
const SMALL_DEFAULT_MS = 400;
const DELAY_MS = 1200;

let server: FakeServer | undefined;
let previous: ReturnType<typeof getGlobalDispatcher> | undefined;
let short: Agent | undefined;
afterEach(async () => {
  if (previous) setGlobalDispatcher(previous);
  await short?.close();
  await server?.close();
  server = previous = short = undefined;
});

function smallDefaultDispatcher(): void {
  previous = getGlobalDispatcher();
  short = new Agent({ headersTimeout: SMALL_DEFAULT_MS, bodyTimeout: SMALL_DEFAULT_MS });
  setGlobalDispatcher(short);
}

const request = { messages: [{ role: 'user' as const, content: 'Pick one. [[k]]' }], signal: new AbortController().signal };

describe('a reply slower than the HTTP default header timeout', () => {
  it('openai: arrives, because the header and body timeouts follow timeoutMs', async () => {
    server = await startFakeOpenAI(() => ({ reply: '[[1]]', delayMs: DELAY_MS }));
    smallDefaultDispatcher();
    const err = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: request.messages }),
    }).catch((e: unknown) => e);
    expect((err as { cause?: { code?: string } }).cause?.code).toBe('UND_ERR_HEADERS_TIMEOUT');

    const p = new OpenAIProvider({ model: 'm', apiKey: 'EMPTY', baseURL: `${server.url}/v1`, temperature: 0, seed: 1, timeoutMs: 5000 });
    const t0 = Date.now();
    const reply = await p.chat(request);
    expect(reply.text).toBe('[[1]]');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(DELAY_MS - 50);
  });

  it('openai: a timeoutMs shorter than the delay still ends the request (the agent does not wait longer than asked)', async () => {
    server = await startFakeOpenAI(() => ({ reply: '[[1]]', delayMs: DELAY_MS }));
    const p = new OpenAIProvider({ model: 'm', apiKey: 'EMPTY', baseURL: `${server.url}/v1`, temperature: 0, seed: 1, timeoutMs: 300 });
    await expect(p.chat(request)).rejects.toThrow(/timed out after 300 ms/);
  });

  it('ollama: arrives, because the header and body timeouts follow timeoutMs', async () => {
    server = await startFakeOllama(() => ({ reply: '[[2]]', delayMs: DELAY_MS }));
    smallDefaultDispatcher();
    const p = new OllamaProvider({ model: 'm', host: server.url, temperature: 0, seed: 1, timeoutMs: 5000 });
    const reply = await p.chat(request);
    expect(reply.text).toBe('[[2]]');
  });
});
