// The live dashboard: a small node:http server on 127.0.0.1 that serves the page and JSON, re-reads each
// study's journal incrementally a few times a second, and tells open pages what changed (server-sent events).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dashboardData, distinctNames, resolveK } from './data.js';
import { contentSecurityPolicy, jsonForScript, renderPage } from './page.js';
import { openSources, type StudySource } from './study-source.js';

export interface DashboardServerOptions {
  /** Port to listen on; 0 picks any free port. Default 4747. */
  port?: number;
  /** Address to bind. Default 127.0.0.1 (only this machine can connect). */
  host?: string;
  /** How many top models the leaderboard and pipelines show (default: the study's `topK`, else 3). */
  k?: number;
}

export interface DashboardServer {
  url: string;
  close(): Promise<void>;
}

export const DEFAULT_PORT = 4747;
const POLL_MS = 400;
const HEARTBEAT_MS = 15_000;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

function send(res: ServerResponse, status: number, type: string, body: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    ...extra,
  });
  res.end(body);
}

const json = (res: ServerResponse, status: number, value: unknown): void => send(res, status, 'application/json; charset=utf-8', JSON.stringify(value));

/** Serves the dashboard of one or more study folders until `close()`. */
export async function serveDashboard(dirs: string[], opts: DashboardServerOptions = {}): Promise<DashboardServer> {
  const host = opts.host ?? '127.0.0.1';
  const port = opts.port ?? DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`port must be an integer 0-65535, got ${port}`);
  const sources = openSources(dirs);
  const k = resolveK(sources, opts.k);
  const clients = new Set<ServerResponse>();
  let boundPort = port;

  const broadcast = (event: string, data: unknown): void => {
    const msg = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const c of clients) c.write(msg);
  };
  const poll = (): void => {
    for (const s of sources) {
      let changed = false;
      try {
        changed = s.refresh();
      } catch {
        // The snapshot was unreadable for a moment (being rewritten by resume): keep the last data, try again.
      }
      if (changed) broadcast('study', { id: s.id, version: s.version });
    }
  };
  const timer = setInterval(poll, POLL_MS);
  const heartbeat = setInterval(() => {
    for (const c of clients) c.write(': keep-alive\n\n');
  }, HEARTBEAT_MS);

  const hostAllowed = (req: IncomingMessage): boolean => {
    if (!LOOPBACK.has(host) && host !== 'localhost') return true; // bound to a public address on purpose
    const h = (req.headers.host ?? '').toLowerCase();
    const name = h.startsWith('[') ? h.slice(0, h.indexOf(']') + 1) : (h.split(':')[0] ?? '');
    return LOOPBACK.has(name);
  };

  const source = (id: string): StudySource | undefined => sources[Number(id)];

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    if (!hostAllowed(req)) return send(res, 403, 'text/plain; charset=utf-8', 'forbidden host\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n', { allow: 'GET, HEAD' });
    let pathname: string;
    try {
      pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    } catch {
      return send(res, 400, 'text/plain; charset=utf-8', 'bad request\n');
    }
    let m: RegExpMatchArray | null;
    if (pathname === '/' || pathname === '/index.html') {
      poll();
      const data = dashboardData(sources, 'live', k);
      return send(res, 200, 'text/html; charset=utf-8', renderPage(data), { 'content-security-policy': contentSecurityPolicy('live') });
    }
    if (pathname === '/api/data') {
      return json(res, 200, dashboardData(sources, 'live', k));
    }
    if ((m = /^\/api\/studies\/(\d{1,6})$/.exec(pathname))) {
      const s = source(m[1] as string);
      if (!s) return json(res, 404, { error: 'no such study' });
      const named = distinctNames(sources.map((x) => x.data(k)));
      return json(res, 200, named[s.id]);
    }
    if ((m = /^\/api\/studies\/(\d{1,6})\/trials\/(\d{1,9})\/transcripts$/.exec(pathname))) {
      const s = source(m[1] as string);
      const index = Number(m[2]);
      if (!s || !s.hasTrial(index)) return json(res, 404, { error: 'no such trial' });
      return json(res, 200, s.transcripts(index));
    }
    if (pathname === '/api/events') {
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-content-type-options': 'nosniff',
      });
      res.write(`retry: 1000\nevent: hello\ndata: ${jsonForScript({ versions: sources.map((s) => ({ id: s.id, version: s.version })) })}\n\n`);
      clients.add(res);
      req.on('close', () => clients.delete(res));
      return;
    }
    if (pathname === '/favicon.ico') return send(res, 204, 'text/plain', '');
    return json(res, 404, { error: 'not found' });
  };

  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (e) {
      if (!res.headersSent) json(res, 500, { error: (e as Error).message });
      else res.end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException): void => {
      clearInterval(timer);
      clearInterval(heartbeat);
      reject(e.code === 'EADDRINUSE' ? new Error(`port ${port} on ${host} is in use: choose another with --port (0 picks a free one)`) : e);
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      boundPort = (server.address() as AddressInfo).port;
      resolve();
    });
  });
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${boundPort}/`,
    close(): Promise<void> {
      closed ??= new Promise<void>((resolve) => {
        clearInterval(timer);
        clearInterval(heartbeat);
        for (const c of clients) c.end();
        clients.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
