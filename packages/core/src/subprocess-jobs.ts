import { existsSync, readFileSync } from 'node:fs';

/**
 * Variables a job's process inherits from the study's environment: what programs need to run (paths,
 * locale, temp dirs), GPU and Python/Hugging Face settings, and lamdagent's own. API keys, tokens and
 * anything else stay out unless the executor's `passEnv` names them.
 */
const ALLOW_EXACT = new Set(['PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'LANGUAGE', 'TZ', 'TMPDIR', 'TEMP', 'TMP', 'TERM', 'PWD']);
const ALLOW_PREFIX = [
  'LC_',
  'LAMDAGENT_',
  'NODE_OPTIONS',
  'NODE_PATH',
  'CUDA_',
  'NVIDIA_',
  'OMP_',
  'MKL_',
  'PYTHON',
  'VIRTUAL_ENV',
  'HF_HOME',
  'HF_HUB_OFFLINE',
  'HF_DATASETS_OFFLINE',
  'TRANSFORMERS_OFFLINE',
  'TRANSFORMERS_CACHE',
  'TORCH_HOME',
];
/** Never inherited by the allowlist, even under an allowed prefix. */
const SECRET = /(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL)/i;

/** The environment of a job process: the allowlist, plus the names `passEnv` declares (passed as they are). */
export function jobEnv(env: Readonly<Record<string, string | undefined>>, passEnv: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined || SECRET.test(k)) continue;
    if (ALLOW_EXACT.has(k) || ALLOW_PREFIX.some((p) => k.startsWith(p))) out[k] = v;
  }
  for (const k of passEnv) {
    const v = env[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/** Process groups of jobs this process started and that still run: killed if the study process exits. */
const live = new Set<number>();
let exitHook = false;

export function trackGroup(pid: number): void {
  live.add(pid);
  if (!exitHook) {
    exitHook = true;
    // A second Ctrl-C, an uncaught error, process.exit(): no job outlives the study process.
    process.on('exit', () => {
      for (const g of live) killGroup(g, 'SIGKILL');
    });
  }
}

export function untrackGroup(pid: number): void {
  live.delete(pid);
}

/** Signal a job's whole process group (the runner and whatever it started: Python, torchrun, ...). */
export function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* gone already */
    }
  }
}

/** Whether `pid` is alive and is the runner of `specFile` (so a reused pid is never mistaken for the job). */
export function isJobProcess(pid: number, specFile: string): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const cmdline = `/proc/${pid}/cmdline`;
  if (!existsSync(cmdline)) return true;
  try {
    return readFileSync(cmdline, 'utf8').split('\0').includes(specFile);
  } catch {
    return false;
  }
}

/** Resolves once `pid` is no longer the runner of `specFile` (polled), or the signal aborts. */
export async function waitForExit(pid: number, specFile: string, signal: AbortSignal, pollMs = 200): Promise<'exited' | 'aborted'> {
  while (isJobProcess(pid, specFile)) {
    if (signal.aborted) return 'aborted';
    await new Promise((r) => setTimeout(r, pollMs));
  }
  return 'exited';
}
