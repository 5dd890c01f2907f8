import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SERVE_PY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../python/serve.py');

/** The Python of the agent venv made by scripts/ci/agent-llm.sh (LAMDAGENT_AGENT_PYTHON overrides), if it is ready. */
export function agentPython(env: Readonly<Record<string, string | undefined>> = process.env): string | undefined {
  if (env['LAMDAGENT_AGENT_PYTHON']) return env['LAMDAGENT_AGENT_PYTHON'];
  const venv = env['LAMDAGENT_AGENT_VENV'] ?? path.join(homedir(), '.cache', 'lamdagent', 'venv-agent');
  return existsSync(path.join(venv, '.ready')) ? path.join(venv, 'bin', 'python') : undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (a && typeof a === 'object' ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

export interface AgentServer {
  /** `http://127.0.0.1:PORT/v1` */
  baseURL: string;
  stop(): Promise<void>;
}

/**
 * Starts llama.cpp's own OpenAI-compatible server (xllamacpp, python/serve.py) on 127.0.0.1 with the
 * given GGUF, waits until /health answers 200, and returns it. `apiKey` goes to the server through its
 * environment (never argv): requests without it are refused.
 */
export async function startAgentServer(
  python: string,
  model: string,
  opts: { apiKey?: string; ctx?: number; threads?: number; chatTemplate?: string; readyTimeoutMs?: number } = {},
): Promise<AgentServer> {
  const port = await freePort();
  const args = [SERVE_PY, model, String(port), '--ctx', String(opts.ctx ?? 4096), '--threads', String(opts.threads ?? 2)];
  if (opts.chatTemplate) args.push('--chat-template', opts.chatTemplate);
  const env: Record<string, string> = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: homedir() };
  if (opts.apiKey) env['LLAMA_API_KEY'] = opts.apiKey;
  const child: ChildProcess = spawn(python, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString('utf8')).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    }
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 300_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`llama.cpp server exited with code ${child.exitCode}: ${stderr}`);
    const ok = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return { baseURL: `${url}/v1`, stop };
    await new Promise((r) => setTimeout(r, 500));
  }
  await stop();
  throw new Error(`llama.cpp server on ${url} not ready in time: ${stderr}`);
}
