/* Test helper (not part of the public entry): a real `mlflow server` on 127.0.0.1 from the tracker venv. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '@lamdagent/testkit';

export interface MlflowServer {
  url: string;
  /** SIGKILL the server and its workers (a crash: nothing is flushed). */
  kill(): void;
  /** SIGTERM, then wait for the process group to exit. */
  stop(): Promise<void>;
}

/** Starts `mlflow server` (SQLite store in `dir`) and waits until /health answers; its log is `dir/server.log`. */
export async function startMlflowServer(bin: string, dir: string, timeoutMs = 180_000): Promise<MlflowServer> {
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const log = openSync(path.join(dir, 'server.log'), 'a');
  const args = [
    'server',
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--workers',
    '1',
    '--backend-store-uri',
    `sqlite:///${path.join(dir, 'mlflow.db')}`,
    '--default-artifact-root',
    path.join(dir, 'artifacts'),
  ];
  // Its own process group: the server starts uvicorn and job workers, all ended together.
  const child: ChildProcess = spawn(path.join(bin, 'mlflow'), args, { cwd: dir, detached: true, stdio: ['ignore', log, log] });
  let exited = false;
  const gone = new Promise<void>((r) => child.once('exit', () => ((exited = true), r())));
  const group = (sig: NodeJS.Signals): void => {
    try {
      if (child.pid) process.kill(-child.pid, sig);
    } catch {
      // already gone
    }
  };
  const t0 = Date.now();
  for (;;) {
    if (exited) throw new Error(`mlflow server exited before it answered; see ${path.join(dir, 'server.log')}`);
    try {
      const r = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
      if (r.ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() - t0 > timeoutMs) {
      group('SIGKILL');
      throw new Error(`mlflow server did not answer on ${url} within ${timeoutMs / 1000} s; see ${path.join(dir, 'server.log')}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return {
    url,
    kill: () => group('SIGKILL'),
    stop: async () => {
      group('SIGTERM');
      const killer = setTimeout(() => group('SIGKILL'), 10_000);
      await gone;
      clearTimeout(killer);
      group('SIGKILL');
    },
  };
}
