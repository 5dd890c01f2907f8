import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The project's Python (the shared convention): env LAMDAGENT_PYTHON, else `$VENV/bin/python` when
 * `$VENV/.ready` exists, VENV = LAMDAGENT_VENV or ~/.cache/lamdagent/venv. Undefined when neither.
 */
export function projectPython(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.LAMDAGENT_PYTHON) return env.LAMDAGENT_PYTHON;
  const venv = env.LAMDAGENT_VENV ?? join(homedir(), '.cache', 'lamdagent', 'venv');
  return existsSync(join(venv, '.ready')) ? join(venv, 'bin', 'python') : undefined;
}

/** The project Python when it can import `module`, else the reason it cannot. */
export function pythonWith(module: string): { python: string } | { reason: string } {
  const python = projectPython();
  if (!python) return { reason: 'no project Python venv (run scripts/python-env.sh, or set LAMDAGENT_PYTHON)' };
  const r = spawnSync(python, ['-c', `import ${module}`], { encoding: 'utf8' });
  if (r.status !== 0) return { reason: `${python} cannot import ${module}: ${(r.stderr || r.error?.message || '').trim().split('\n').at(-1)}` };
  return { python };
}
