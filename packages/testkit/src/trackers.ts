import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import path from 'node:path';

/** The experiment-tracker venv (optuna, mlflow) that scripts/ci/trackers.sh installs, as tests find it. */
export interface TrackersVenv {
  /** Whether the tests can run. */
  run: boolean;
  /** The venv's python (when `run`). */
  python: string;
  /** The venv's bin folder (mlflow, optuna-dashboard). */
  bin: string;
  /** Why not (when not `run`). */
  reason: string;
}

/**
 * Finds `${LAMDAGENT_TRACKERS_VENV:-~/.cache/lamdagent/venv-trackers}` when its `.ready` marker is there.
 * In CI (CI=true or 1) a missing venv throws, so the test file fails; elsewhere it prints why the tests
 * skip (label names them) and returns `run: false`.
 */
export function trackersVenv(label: string, env: Readonly<Record<string, string | undefined>> = process.env): TrackersVenv {
  const venv = env['LAMDAGENT_TRACKERS_VENV'] ?? path.join(homedir(), '.cache', 'lamdagent', 'venv-trackers');
  const bin = path.join(venv, 'bin');
  const python = path.join(bin, 'python');
  const ready = path.join(venv, '.ready');
  let reason = '';
  if (!existsSync(ready) || readFileSync(ready, 'utf8').trim() === '') reason = `${venv} is not ready (no ${ready})`;
  else if (!existsSync(python)) reason = `${python} is missing`;
  const fix = 'run scripts/ci/trackers.sh (or set LAMDAGENT_TRACKERS_VENV)';
  const ci = env['CI'] === 'true' || env['CI'] === '1';
  if (reason && ci) throw new Error(`CI=true but ${label} cannot run: ${reason}; scripts/ci/trackers.sh should have installed it`);
  if (reason) process.stderr.write(`${label} skipped: ${reason} (${fix})\n`);
  return { run: !reason, python, bin, reason };
}

/** A TCP port free on 127.0.0.1 right now (for a server a test starts). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}
