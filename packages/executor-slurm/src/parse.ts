/** Parsers for the text Slurm's commands print (squeue, scontrol -o, sacct -P, sbatch --parsable). */

/** Slurm job states (JOB_STATE_BASE names as squeue, scontrol and sacct print them). */
export const TERMINAL_STATES = [
  'COMPLETED',
  'FAILED',
  'CANCELLED',
  'TIMEOUT',
  'NODE_FAIL',
  'OUT_OF_MEMORY',
  'PREEMPTED',
  'BOOT_FAIL',
  'DEADLINE',
  'SPECIAL_EXIT',
  'REVOKED',
] as const;
export type TerminalState = (typeof TERMINAL_STATES)[number];

export function isTerminal(state: string): state is TerminalState {
  return (TERMINAL_STATES as readonly string[]).includes(state);
}

/** What the executor knows about one Slurm job at one moment. */
export interface SlurmJobInfo {
  id: string;
  /** Base state: PENDING, RUNNING, COMPLETING, COMPLETED, FAILED, CANCELLED, TIMEOUT, ... */
  state: string;
  reason?: string;
  /** Seconds the job has run (Slurm's own clock: continues across a study restart). */
  elapsedSec?: number;
  exitCode?: number;
  /** Signal number that ended the batch script (ExitCode's second half), when not 0. */
  exitSignal?: number;
  workDir?: string;
  name?: string;
  nodes?: string;
  /** Where the information came from. */
  source: 'squeue' | 'scontrol' | 'sacct';
}

/** Job id printed by `sbatch --parsable`: `<id>` or `<id>;<cluster>`. */
export function parseSbatchParsable(stdout: string): string {
  const line =
    stdout
      .trim()
      .split('\n')
      .filter((l) => l.trim() !== '')
      .at(-1) ?? '';
  const id = line.split(';')[0]!.trim();
  if (!/^\d+$/.test(id)) throw new Error(`sbatch --parsable printed no job id: ${JSON.stringify(stdout.slice(0, 200))}`);
  return id;
}

/** Slurm durations: `SS`, `MM:SS`, `HH:MM:SS`, `D-HH[:MM[:SS]]`; undefined for `N/A`, `INVALID`, `UNLIMITED`. */
export function parseSlurmDuration(text: string): number | undefined {
  const s = text.trim();
  const m = /^(?:(\d+)-)?(\d+)(?::(\d+))?(?::(\d+))?$/.exec(s);
  if (!m) return undefined;
  const days = m[1] ? Number(m[1]) : 0;
  const parts = [m[2], m[3], m[4]].filter((p): p is string => p !== undefined).map(Number);
  let secs: number;
  if (m[1]) {
    // D-HH, D-HH:MM, D-HH:MM:SS
    const [h = 0, mi = 0, se = 0] = parts;
    secs = h * 3600 + mi * 60 + se;
  } else if (parts.length === 3) secs = parts[0]! * 3600 + parts[1]! * 60 + parts[2]!;
  else if (parts.length === 2) secs = parts[0]! * 60 + parts[1]!;
  else secs = parts[0]!;
  return days * 86400 + secs;
}

/** `--time` value for a limit in seconds: whole minutes, rounded up (Slurm's resolution), at least 1. */
export function formatTimeLimit(sec: number): string {
  const minutes = Math.max(1, Math.ceil(sec / 60));
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  const hhmm = `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:00`;
  return d > 0 ? `${d}-${hhmm}` : hhmm;
}

/** `ExitCode=3:0` (exit status : signal). */
export function parseExitCode(text: string | undefined): { exitCode?: number; exitSignal?: number } {
  const m = /^(\d+):(\d+)$/.exec(text?.trim() ?? '');
  if (!m) return {};
  const code = Number(m[1]);
  const sig = Number(m[2]);
  return { exitCode: code, ...(sig !== 0 ? { exitSignal: sig } : {}) };
}

/** `CANCELLED by 0` -> `CANCELLED`; `RUNNING` -> `RUNNING`. */
export function baseState(text: string): string {
  return (text.trim().split(/\s+/)[0] ?? '').replace(/\+$/, '').toUpperCase();
}

/** squeue format used by the executor: id, state, elapsed, reason (last, may hold anything). */
export const SQUEUE_FORMAT = '%i|%T|%M|%r';

/** Lines of `squeue -h -t all -o SQUEUE_FORMAT`. */
export function parseSqueue(stdout: string): Map<string, SlurmJobInfo> {
  const out = new Map<string, SlurmJobInfo>();
  for (const line of stdout.split('\n')) {
    if (!line.trim()) continue;
    const [id, state, elapsed, ...reason] = line.split('|');
    if (!id || !state || !/^\d+/.test(id.trim())) continue;
    const r = reason.join('|').trim();
    const e = elapsed ? parseSlurmDuration(elapsed) : undefined;
    out.set(id.trim(), {
      id: id.trim(),
      state: baseState(state),
      ...(r && r !== 'None' ? { reason: r } : {}),
      ...(e !== undefined ? { elapsedSec: e } : {}),
      source: 'squeue',
    });
  }
  return out;
}

/** `scontrol show job -o ID`: one line of `Key=Value` pairs (values may contain spaces). */
export function parseScontrolFields(line: string): Record<string, string> {
  const fields: Record<string, string> = {};
  const re = /(?:^|\s)([A-Za-z][A-Za-z0-9_/:]*)=/g;
  const starts: { key: string; at: number; valueAt: number }[] = [];
  for (let m = re.exec(line); m; m = re.exec(line)) starts.push({ key: m[1]!, at: m.index, valueAt: m.index + m[0].length });
  starts.forEach((s, i) => {
    const end = i + 1 < starts.length ? starts[i + 1]!.at : line.length;
    fields[s.key] = line.slice(s.valueAt, end).trim();
  });
  return fields;
}

export function parseScontrolJob(stdout: string): SlurmJobInfo | undefined {
  const line = stdout.split('\n').find((l) => l.includes('JobId='));
  if (!line) return undefined;
  const f = parseScontrolFields(line);
  if (!f['JobId'] || !f['JobState']) return undefined;
  const elapsed = f['RunTime'] ? parseSlurmDuration(f['RunTime']) : undefined;
  const reason = f['Reason'];
  return {
    id: f['JobId'],
    state: baseState(f['JobState']),
    ...(reason && reason !== 'None' ? { reason } : {}),
    ...(elapsed !== undefined ? { elapsedSec: elapsed } : {}),
    ...parseExitCode(f['ExitCode']),
    ...(f['WorkDir'] ? { workDir: f['WorkDir'] } : {}),
    ...(f['JobName'] ? { name: f['JobName'] } : {}),
    ...(f['NodeList'] && f['NodeList'] !== '(null)' ? { nodes: f['NodeList'] } : {}),
    source: 'scontrol',
  };
}

/** sacct fields used by the executor, in this order (sacct -n -P -X -o ...). */
export const SACCT_FIELDS = ['JobID', 'State', 'ExitCode', 'ElapsedRaw', 'NodeList', 'JobName', 'WorkDir'] as const;

/** `sacct -n -P -X -j ID -o SACCT_FIELDS`: the allocation line of the job. */
export function parseSacct(stdout: string, id: string): SlurmJobInfo | undefined {
  for (const line of stdout.split('\n')) {
    const parts = line.split('|');
    if (parts.length < SACCT_FIELDS.length || parts[0]!.trim() !== id) continue;
    const [jobId, state, exit, elapsedRaw, nodes, name, ...workDir] = parts;
    const elapsed = Number(elapsedRaw);
    const wd = workDir.join('|').trim();
    return {
      id: jobId!.trim(),
      state: baseState(state!),
      ...parseExitCode(exit),
      ...(Number.isFinite(elapsed) && elapsedRaw!.trim() !== '' ? { elapsedSec: elapsed } : {}),
      ...(nodes && nodes !== 'None assigned' ? { nodes } : {}),
      ...(name ? { name } : {}),
      ...(wd ? { workDir: wd } : {}),
      source: 'sacct',
    };
  }
  return undefined;
}

/** Slurm's answer for an id it no longer (or never) knew. */
export function isInvalidJobId(stderr: string): boolean {
  return /Invalid job id/i.test(stderr);
}
