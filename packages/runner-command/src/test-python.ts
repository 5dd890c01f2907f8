/* Helpers shared by this package's Python tests (not part of the public entry). */
import { spawnSync } from 'node:child_process';
import { resolvePython } from './python-env.js';

export const IN_CI = process.env['CI'] === 'true' || process.env['CI'] === '1';

export interface PythonGate {
  run: boolean;
  python: string;
  reason: string;
  /** The test title, with the reason appended when skipped. */
  title(name: string): string;
}

/**
 * Gate for tests that need the project's Python stack: runs when `python -c "import <modules>"`
 * works; in CI (CI=true) a missing stack throws at collection, so the file fails; elsewhere the tests
 * skip and the reason is printed.
 */
export function pythonGate(label: string, modules: readonly string[]): PythonGate {
  const py = resolvePython();
  const r = spawnSync(py.python, ['-c', `import ${modules.join(', ')}`], { encoding: 'utf8', timeout: 180_000 });
  let reason = '';
  if (r.error) reason = `${py.python} (${py.source}) cannot start: ${r.error.message}`;
  else if (r.status !== 0) reason = `${py.python} (${py.source}): ${(r.stderr.trim().split('\n').at(-1) ?? `exit ${r.status}`).slice(0, 200)}`;
  const fix = 'run scripts/python-env.sh (or set LAMDAGENT_PYTHON)';
  if (reason && IN_CI) throw new Error(`CI=true but ${label} cannot run: ${reason}; scripts/ci/python.sh should have installed it (${fix})`);
  if (reason) process.stderr.write(`[runner-command] ${label} skipped: ${reason} (${fix})\n`);
  return { run: !reason, python: py.python, reason, title: (name) => (reason ? `${name} (skipped: ${reason}; ${fix})` : name) };
}

/** Runs a Python script of python/ with the gate's interpreter; returns stdout parsed as JSON. */
export function runPythonJson<T>(python: string, cwd: string, args: readonly string[]): T {
  const r = spawnSync(python, [...args], { cwd, encoding: 'utf8', timeout: 600_000, env: { ...process.env, TRANSFORMERS_VERBOSITY: 'error' } });
  if (r.status !== 0) throw new Error(`${python} ${args.join(' ')}: exit ${r.status}\n${r.stderr.slice(-2000)}`);
  const line = r.stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as T;
}
