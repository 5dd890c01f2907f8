import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

/**
 * Where the Python of the reference runners comes from (the project's convention, scripts/python-env.sh):
 * `LAMDAGENT_PYTHON` when set; else `<venv>/bin/python` when `<venv>/.ready` exists, the venv being
 * `LAMDAGENT_VENV` or `~/.cache/lamdagent/venv`; else `python3` from PATH.
 */
export interface ResolvedPython {
  python: string;
  source: 'LAMDAGENT_PYTHON' | 'venv' | 'PATH';
  /** The venv folder looked at (whether or not it is ready). */
  venv: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/** The venv folder of scripts/python-env.sh: `LAMDAGENT_VENV`, else `~/.cache/lamdagent/venv`. */
export function defaultVenvDir(env: Env = process.env): string {
  const v = env['LAMDAGENT_VENV'];
  if (v) return v;
  return path.join(env['HOME'] || homedir(), '.cache', 'lamdagent', 'venv');
}

/** True when scripts/python-env.sh finished installing into `venv` (its `.ready` marker exists). */
export function venvReady(venv: string): boolean {
  try {
    return existsSync(path.join(venv, 'bin', 'python')) && readFileSync(path.join(venv, '.ready'), 'utf8').trim().length > 0;
  } catch {
    return false;
  }
}

/** The Python the `sft-trl` and `dpo-trl` runners start (see `ResolvedPython`). */
export function resolvePython(env: Env = process.env): ResolvedPython {
  const venv = defaultVenvDir(env);
  const explicit = env['LAMDAGENT_PYTHON'];
  if (explicit) return { python: explicit, source: 'LAMDAGENT_PYTHON', venv };
  if (venvReady(venv)) return { python: path.join(venv, 'bin', 'python'), source: 'venv', venv };
  return { python: 'python3', source: 'PATH', venv };
}

/** The command that sets up the runners' Python (said in errors). */
export const PYTHON_FIX =
  'run scripts/python-env.sh from the LaMDAgent repository (creates ~/.cache/lamdagent/venv), or set LAMDAGENT_PYTHON to a Python with packages/runner-command/python/requirements.txt installed';
