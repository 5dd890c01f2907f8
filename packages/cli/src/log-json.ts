import { UsageError, type StudyEvent, type TrialRecord } from '@lamdagent/core';
import { createRedactor, redactSecrets } from '@lamdagent/core/kit';

/** Progress lines on stderr: `text` (people, the default) or `json` (one JSON object per event line, for machines). */
export type LogFormat = 'text' | 'json';

export const LOG_FORMAT_HELP = `  --log-format F     progress on stderr as text (default) or json: one JSON object per event line
                     (start, trial-start, trial-progress, trial-end, stop, notice; a fatal error and the
                     closing summary are JSON lines too: event error / summary; secrets redacted)`;

/** The `--log-format` value, checked. */
export function logFormat(v: unknown): LogFormat {
  if (v === undefined || v === 'text') return 'text';
  if (v === 'json') return 'json';
  throw new UsageError(`--log-format expects text or json, got ${String(v)}`);
}

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

function redactDeep(v: Json, redact: (s: string) => string): Json {
  if (typeof v === 'string') return redact(v);
  if (Array.isArray(v)) return v.map((x) => redactDeep(x, redact));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, redactDeep(x, redact)]));
  return v;
}

function trialFields(t: TrialRecord, seconds: number | undefined): Record<string, Json> {
  return {
    trial: t.index,
    state: t.state,
    action: t.action.name,
    actionType: t.action.type,
    inputs: t.action.inputs.map((i) => i.name),
    ...(t.produced ? { model: t.produced.name } : {}),
    ...(t.reward !== undefined ? { reward: t.reward } : {}),
    scores: t.scores,
    ...(seconds !== undefined ? { seconds } : {}),
    durations: t.durations,
    ...(t.cachedFrom !== undefined ? { cachedFrom: t.cachedFrom } : {}),
    ...(t.error
      ? {
          failure: {
            type: t.error.type,
            cause: t.error.message,
            ...(t.error.logExcerpt ? { logExcerpt: t.error.logExcerpt } : {}),
          },
        }
      : {}),
    ...(t.policy?.fallback ? { policyFallback: t.policy.fallback } : {}),
  };
}

/** One JSON object per study event, each on its own line: what `--log-format json` prints on stderr. */
export function eventJson(e: StudyEvent, at: string, seconds?: number): Record<string, Json> {
  const head = { ts: at, event: e.type };
  switch (e.type) {
    case 'start':
      return { ...head, dir: e.dir, resumed: e.resumed, done: e.done, budget: e.budget, poolSize: e.poolSize, actions: e.actions };
    case 'trial-start':
      return {
        ...head,
        trial: e.index,
        budget: e.budget,
        action: e.action.name,
        actionType: e.action.type,
        inputs: e.action.inputs.map((i) => i.name),
        params: e.action.params as Json,
      };
    case 'trial-progress':
      return {
        ...head,
        trial: e.index,
        ...(e.message !== undefined ? { message: e.message } : {}),
        ...(e.fraction !== undefined ? { fraction: e.fraction } : {}),
      };
    case 'trial-end':
      return {
        ...head,
        ...trialFields(e.trial, seconds),
        ...(e.best ? { best: { trial: e.best.index, reward: e.best.reward ?? null, model: e.best.produced?.name ?? null } } : {}),
      };
    case 'stop':
      return { ...head, reason: e.reason };
    case 'notice':
      return { ...head, message: e.message };
  }
}

/** The `--log-format json` printer: stamps each event, measures trial wall time, redacts secrets (kit's redactor and the environment's secret values). */
export function jsonEventPrinter(
  write: (line: string) => void,
  env: Readonly<Record<string, string | undefined>>,
  now: () => Date = () => new Date(),
): (e: StudyEvent) => void {
  const redactor = createRedactor();
  const redact = (s: string): string => redactSecrets(redactor(s), env);
  const t0 = new Map<number, number>();
  return (e) => {
    const at = now();
    let seconds: number | undefined;
    if (e.type === 'trial-start') t0.set(e.index, at.getTime());
    if (e.type === 'trial-end') {
      const s = t0.get(e.trial.index);
      if (s !== undefined) seconds = Math.round((at.getTime() - s) / 100) / 10;
      t0.delete(e.trial.index);
    }
    write(JSON.stringify(redactDeep(eventJson(e, at.toISOString(), seconds), redact)));
  };
}

/** True when the command line asks for `--log-format json` (read before parsing, for fatal errors). */
export function jsonLogRequested(argv: readonly string[]): boolean {
  const i = argv.indexOf('--log-format');
  return (i >= 0 && argv[i + 1] === 'json') || argv.includes('--log-format=json');
}

/**
 * One `--log-format json` line outside the study's events: `event: 'error'` for a fatal error (what the
 * text format prints as `lamdagent: message`), `event: 'summary'` for the closing message of a run
 * (interrupted, no trial completed). Secrets redacted like the events.
 */
export function jsonMessageLine(
  event: 'error' | 'summary',
  fields: Record<string, unknown>,
  env: Readonly<Record<string, string | undefined>>,
  now: () => Date = () => new Date(),
): string {
  const redactor = createRedactor();
  const redact = (s: string): string => redactSecrets(redactor(s), env);
  return JSON.stringify(redactDeep(JSON.parse(JSON.stringify({ ts: now().toISOString(), event, ...fields })) as Json, redact));
}
