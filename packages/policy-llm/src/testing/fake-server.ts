import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Local HTTP servers that speak the OpenAI chat-completions and Ollama /api/chat wire protocols,
 * scripted step by step, for driving the real client libraries in tests. Bound to 127.0.0.1.
 */
export type ScriptStep =
  /** A normal answer; `usage: null` leaves the token counts out. */
  | { reply: string; usage?: { input: number; output: number } | null; delayMs?: number }
  /** An HTTP error with an optional body and headers (e.g. Retry-After). */
  | { status: number; body?: unknown; headers?: Record<string, string> }
  /** Never answers: the client's timeout must fire. */
  | { hang: true }
  /** Closes the connection without a response. */
  | { drop: true }
  /** A raw body (e.g. malformed JSON). */
  | { raw: string; contentType?: string; status?: number };

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export type Script = readonly ScriptStep[] | ((req: RecordedRequest, n: number) => ScriptStep);

export interface FakeServer {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

type Protocol = 'openai' | 'ollama';

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(text);
}

function answer(protocol: Protocol, model: string, step: { reply: string; usage?: { input: number; output: number } | null }): unknown {
  const u = step.usage === undefined ? { input: 100, output: 10 } : step.usage;
  if (protocol === 'openai') {
    return {
      id: 'chatcmpl-fake',
      object: 'chat.completion',
      created: 1_700_000_000,
      model,
      choices: [{ index: 0, message: { role: 'assistant', content: step.reply, refusal: null }, finish_reason: 'stop', logprobs: null }],
      ...(u ? { usage: { prompt_tokens: u.input, completion_tokens: u.output, total_tokens: u.input + u.output } } : {}),
    };
  }
  return {
    model,
    created_at: new Date(0).toISOString(),
    message: { role: 'assistant', content: step.reply },
    done: true,
    done_reason: 'stop',
    total_duration: 1,
    load_duration: 1,
    prompt_eval_duration: 1,
    eval_duration: 1,
    ...(u ? { prompt_eval_count: u.input, eval_count: u.output } : {}),
  };
}

function errorBody(protocol: Protocol, status: number, body: unknown): unknown {
  if (body !== undefined) return body;
  const message = status === 429 ? 'rate limit reached, slow down' : `fake server error ${status}`;
  return protocol === 'openai' ? { error: { message, type: 'server_error', code: null } } : { error: message };
}

async function start(protocol: Protocol, script: Script): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  const route = protocol === 'openai' ? /\/chat\/completions$/ : /^\/api\/chat$/;
  const server: Server = createServer((req, res) => {
    void (async () => {
      const text = await readBody(req);
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        /* keep the text */
      }
      const rec: RecordedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body };
      if (req.method !== 'POST' || !route.test((req.url ?? '').split('?')[0] ?? '')) return send(res, 404, { error: `no route ${req.url}` });
      requests.push(rec);
      const n = requests.length - 1;
      const step = typeof script === 'function' ? script(rec, n) : script[n];
      if (!step) return send(res, 500, errorBody(protocol, 500, { error: { message: `fake server: script exhausted at request ${n}` } }));
      if ('hang' in step) return; // the client gives up; close() cuts the socket
      if ('drop' in step) return req.socket.destroy();
      if ('raw' in step) {
        res.writeHead(step.status ?? 200, { 'content-type': step.contentType ?? 'application/json' });
        return res.end(step.raw);
      }
      if ('status' in step) return send(res, step.status, errorBody(protocol, step.status, step.body), step.headers);
      if (step.delayMs) await new Promise((r) => setTimeout(r, step.delayMs));
      const model = typeof body === 'object' && body !== null && 'model' in body && typeof body.model === 'string' ? body.model : 'fake';
      send(res, 200, answer(protocol, model, step));
    })().catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An OpenAI-compatible server; use `${url}/v1` as baseURL. */
export function startFakeOpenAI(script: Script): Promise<FakeServer> {
  return start('openai', script);
}

/** An Ollama server; use `url` as host. */
export function startFakeOllama(script: Script): Promise<FakeServer> {
  return start('ollama', script);
}

/** The text of the last user message of a recorded chat request (both protocols). */
export function lastUserMessage(req: RecordedRequest): string {
  const body = req.body as { messages?: { role: string; content: string }[] };
  const msgs = body.messages ?? [];
  for (let i = msgs.length - 1; i >= 0; i--) if (msgs[i]?.role === 'user') return msgs[i]?.content ?? '';
  return '';
}
