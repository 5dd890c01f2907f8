import type { StudyView, TrialRecord } from '@lamdagent/core';

/**
 * A study as Optuna's journal storage file (`JournalFileBackend`): one JSON operation record per line,
 * replayed by `optuna.storages.JournalStorage`, so `optuna.load_study` and `optuna-dashboard x.log` show
 * the trials. Written from Optuna's documented operation codes and fields (not its code):
 *
 * - `CREATE_STUDY` (0): study name and directions (MAXIMIZE = 2: the reward is maximised);
 * - `SET_STUDY_USER_ATTR` (2): one attribute per record (the study folder, seed, policy, tasks);
 * - `CREATE_TRIAL` (4) with the whole finished trial: state, values, params with their distributions
 *   (JSON strings), user attributes, start and completion times.
 *
 * Params: the action (categorical over the action names), then one per input slot, named
 * `<action>.<kind>` (`.2`, `.3` for a kind's later slots): categorical over the object names seen, or a
 * float range when every value seen is a number (hyperparameters). Optuna has conditional parameters, so
 * each trial carries the params of its own action only. User attributes: `score.<task>` (validation),
 * `test.<task>` (held-out scores, when evaluated), `reward`, `state`, `model`, `parents` (the trials whose
 * models it used: lineage), `cached_from`, `error`. Running trials are left out (the export is a snapshot).
 */

const OP = { createStudy: 0, setStudyUserAttr: 2, createTrial: 4 } as const;
const STATE = { complete: 1, fail: 3 } as const;
const MAXIMIZE = 2;
const WORKER = 'lamdagent-export';

type Attr = string | number | boolean | null | Attr[] | { [k: string]: Attr };

/** Python's `datetime.fromisoformat` of 3.7+ reads `+00:00` (3.11 also reads `Z`). */
function isoTime(s: string): string {
  return new Date(s).toISOString().replace('Z', '+00:00');
}

/** Param name per input position of a trial's action: `<action>.<kind>`, `<action>.<kind>.2`, ... */
function paramNames(t: TrialRecord): string[] {
  const seen = new Map<string, number>();
  return t.action.inputs.map((i) => {
    const n = (seen.get(i.kind) ?? 0) + 1;
    seen.set(i.kind, n);
    return `${t.action.name}.${i.kind}${n > 1 ? `.${n}` : ''}`;
  });
}

interface Distribution {
  json: string;
  internal(external: string): number;
}

function distributionOf(values: readonly string[]): Distribution {
  const nums = values.map(Number);
  if (values.length > 0 && values.every((v) => v.trim() !== '') && nums.every(Number.isFinite)) {
    const low = Math.min(...nums);
    const high = Math.max(...nums);
    return { json: JSON.stringify({ name: 'FloatDistribution', attributes: { low, high, log: false, step: null } }), internal: (v) => Number(v) };
  }
  const choices = [...new Set(values)].sort();
  return { json: JSON.stringify({ name: 'CategoricalDistribution', attributes: { choices } }), internal: (v) => choices.indexOf(v) };
}

export interface OptunaExportOptions {
  /** Optuna study name (default: the config's name, else the study folder's name). */
  studyName?: string;
}

/** The journal lines (without trailing newlines) for one study. */
export function optunaJournalLines(view: StudyView, opts: OptunaExportOptions = {}): string[] {
  const config = view.snapshot.config as { name?: string; seed?: number; policy?: unknown; tasks?: unknown };
  const studyName = opts.studyName ?? config.name ?? view.dir.split(/[\\/]/).filter(Boolean).at(-1) ?? 'lamdagent';
  const trials = [...view.trials].sort((a, b) => a.index - b.index);

  // Every value each param takes across the study: categorical choices must agree between trials.
  const seen = new Map<string, string[]>();
  const add = (name: string, v: string): void => void (seen.get(name) ?? seen.set(name, []).get(name)!).push(v);
  for (const t of trials) {
    add('action', t.action.name);
    paramNames(t).forEach((n, i) => add(n, t.action.inputs[i]!.name));
  }
  const dists = new Map([...seen].map(([n, vs]) => [n, distributionOf(vs)]));

  const tests = new Map<number, Record<string, number>>();
  for (const e of view.journal.evaluations) if (e.split === 'test') tests.set(e.index, { ...tests.get(e.index), ...e.scores });

  const line = (op: number, fields: Record<string, Attr>): string => JSON.stringify({ op_code: op, worker_id: WORKER, ...fields });
  const lines = [line(OP.createStudy, { study_name: studyName, directions: [MAXIMIZE] })];
  const studyAttrs: Record<string, Attr> = {
    'lamdagent.dir': view.dir,
    'lamdagent.seed': config.seed ?? 0,
    'lamdagent.policy': (config.policy ?? 'random') as Attr,
  };
  for (const [k, v] of Object.entries(studyAttrs)) lines.push(line(OP.setStudyUserAttr, { study_id: 0, user_attr: { [k]: v } }));

  for (const t of trials) {
    const names = ['action', ...paramNames(t)];
    const externals = [t.action.name, ...t.action.inputs.map((i) => i.name)];
    const params: Record<string, number> = {};
    const distributions: Record<string, string> = {};
    names.forEach((n, i) => {
      const d = dists.get(n)!;
      params[n] = d.internal(externals[i]!);
      distributions[n] = d.json;
    });
    const ok = t.state !== 'failed' && t.reward !== undefined && Number.isFinite(t.reward);
    const parents = t.action.inputs.map((i) => /^t(\d+)$/.exec(i.id)?.[1]).filter((x): x is string => x !== undefined);
    const userAttrs: Record<string, Attr> = {
      'lamdagent.trial': t.index,
      state: t.state,
      ...(t.reward !== undefined ? { reward: t.reward } : {}),
      ...Object.fromEntries(Object.entries(t.scores).map(([k, v]) => [`score.${k}`, v])),
      ...Object.fromEntries(Object.entries(tests.get(t.index) ?? {}).map(([k, v]) => [`test.${k}`, v])),
      ...(t.produced ? { model: t.produced.name } : {}),
      parents: parents.map(Number),
      ...(t.cachedFrom !== undefined ? { cached_from: t.cachedFrom } : {}),
      ...(t.error ? { error: `${t.error.type}: ${t.error.message}` } : {}),
    };
    lines.push(
      line(OP.createTrial, {
        study_id: 0,
        datetime_start: isoTime(t.startedAt),
        datetime_complete: isoTime(t.endedAt ?? t.startedAt),
        state: ok ? STATE.complete : STATE.fail,
        ...(ok ? { values: [t.reward as number] } : {}),
        params,
        distributions,
        user_attrs: userAttrs,
        system_attrs: {},
        intermediate_values: {},
      }),
    );
  }
  return lines;
}
