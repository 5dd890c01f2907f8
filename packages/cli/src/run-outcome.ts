import { ConfigError, LamdagentError, type TrialRecord } from '@lamdagent/core';

/**
 * When a study's budget ends with no completed trial, one line saying so with the failures by cause
 * (`no trial completed: 4 failed (3 FileNotFound, 1 RunnerError)`); undefined when a trial completed.
 */
export function noCompletedTrialSummary(trials: readonly TrialRecord[]): string | undefined {
  if (trials.some((t) => t.state === 'complete' || t.state === 'cached')) return undefined;
  const causes = new Map<string, number>();
  for (const t of trials) {
    const cause = t.state === 'failed' ? (t.error?.type ?? 'unknown error') : t.state;
    causes.set(cause, (causes.get(cause) ?? 0) + 1);
  }
  const by = [...causes].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([c, n]) => `${n} ${c}`);
  return `no trial completed: ${trials.length} trial${trials.length === 1 ? '' : 's'} (${by.join(', ') || 'none ran'}); see lamdagent status`;
}

/** What `--json` commands print on stdout when they fail: `{ ok: false, error, exitCode, file?, issues? }`. */
export function failureJson(e: unknown): Record<string, unknown> {
  const err = e instanceof Error ? e : new Error(String(e));
  const code = LamdagentError.isInstance(e) ? e.exitCode : 1;
  const doc: Record<string, unknown> = { ok: false, error: err.message, exitCode: code };
  if (ConfigError.isInstance(e)) {
    doc['file'] = e.file;
    doc['issues'] = e.issues;
  }
  return doc;
}
