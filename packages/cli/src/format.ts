import { formatPipeline, pipelineOf, StudyLock, topK, type StudyView, type TrialRecord, type PipelineNode } from '@lamdagent/core';

/** The stable `--json` shape of one trial. */
export interface TrialJson {
  index: number;
  state: TrialRecord['state'];
  actionType: string;
  action: string;
  inputs: string[];
  produced: string | null;
  scores: Record<string, number>;
  reward: number | null;
  durationSec: number | null;
  error: { type: string; message: string } | null;
  cachedFrom: number | null;
  fallback: string | null;
}

export interface TopJson {
  rank: number;
  index: number;
  model: string;
  path: string;
  reward: number;
  scores: Record<string, number>;
  pipeline: PipelineNode;
}

export function trialJson(t: TrialRecord): TrialJson {
  const dur = t.endedAt ? (Date.parse(t.endedAt) - Date.parse(t.startedAt)) / 1000 : null;
  return {
    index: t.index,
    state: t.state,
    actionType: t.action.type,
    action: t.action.name,
    inputs: t.action.inputs.map((i) => i.name),
    produced: t.produced?.name ?? null,
    scores: t.scores,
    reward: t.reward ?? null,
    durationSec: dur,
    error: t.error ? { type: t.error.type, message: t.error.message } : null,
    cachedFrom: t.cachedFrom ?? null,
    fallback: t.policy?.fallback ?? null,
  };
}

export function topJson(trials: TrialRecord[], k: number): TopJson[] {
  return topK(trials, k).map((t, i) => ({
    rank: i + 1,
    index: t.index,
    model: t.produced?.name ?? '',
    path: t.produced?.path ?? '',
    reward: t.reward as number,
    scores: t.scores,
    pipeline: pipelineOf(t, trials),
  }));
}

/** Who holds a study folder's lock (`StudyLock.owner`): `undefined` when nobody does. */
export type StudyOwner = ReturnType<typeof StudyLock.owner>;

/**
 * Unfinished trials split by whether a live process still runs them: when the study's lock is gone, or
 * its owner's pid is not alive on this host (kill -9, a crash, a cancelled run), they are interrupted.
 */
function unfinished(view: StudyView, owner: StudyOwner): { running: number[]; interrupted: number[] } {
  const all = [...view.journal.running.keys()].sort((a, b) => a - b);
  return owner?.alive ? { running: all, interrupted: [] } : { running: [], interrupted: all };
}

/**
 * The status of a study as JSON. `owner` is the study's lock owner, read before `view` (the default
 * reads it now): unfinished trials of a study whose owner is gone are `interrupted`, not `running`.
 */
export function statusJson(view: StudyView, k: number, owner: StudyOwner = StudyLock.owner(view.dir)): Record<string, unknown> {
  const trials = [...view.trials].sort((a, b) => a.index - b.index);
  const cfg = view.snapshot.config as { budget?: { iterations?: number } };
  const u = unfinished(view, owner);
  return {
    study: view.dir,
    config: view.snapshot.configFile,
    budget: cfg.budget?.iterations ?? null,
    done: trials.length,
    running: u.running,
    interrupted: u.interrupted.length ? { trials: u.interrupted, ownerPid: owner?.pid ?? null } : null,
    trials: trials.map(trialJson),
    top: topJson(trials, k),
  };
}

const f3 = (x: number | undefined): string => (x === undefined ? '  -  ' : x.toFixed(3));

export function describeAction(t: { action: { name: string; inputs: { name: string }[] } }): string {
  return `${t.action.name}(${t.action.inputs.map((i) => i.name).join(', ')})`;
}

/** A plain-text table. */
export function table(header: string[], rows: string[][]): string {
  const w = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]): string =>
    r
      .map((c, i) => c.padEnd(w[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), line(w.map((n) => '-'.repeat(n))), ...rows.map(line)].join('\n');
}

export function statusText(view: StudyView, owner: StudyOwner = StudyLock.owner(view.dir)): string {
  const trials = [...view.trials].sort((a, b) => a.index - b.index);
  const tasks = [...new Set(trials.flatMap((t) => Object.keys(t.scores)))];
  const rows = trials.map((t) => [
    String(t.index),
    t.state,
    describeAction(t),
    t.produced?.name ?? '',
    ...tasks.map((k) => f3(t.scores[k])),
    f3(t.reward),
    t.error ? `${t.error.type}: ${t.error.message}`.slice(0, 80) : t.cachedFrom !== undefined ? `= trial ${t.cachedFrom}` : '',
  ]);
  const u = unfinished(view, owner);
  const gone = owner?.pid !== undefined ? `owner pid ${owner.pid} is gone` : 'no process holds the study';
  const running = u.running.map((i) => `running: trial ${i} ${describeAction(view.journal.running.get(i)!)}`);
  const interrupted = u.interrupted.map(
    (i) => `interrupted at trial ${i} ${describeAction(view.journal.running.get(i)!)} (${gone}); \`lamdagent resume ${view.dir}\` continues it`,
  );
  return [
    `study ${view.dir}  (${trials.length} trials)`,
    table(['#', 'state', 'action', 'model', ...tasks, 'reward', 'note'], rows),
    ...running,
    ...interrupted,
  ].join('\n');
}

export function topText(trials: TrialRecord[], k: number): string {
  const top = topK(trials, k);
  if (top.length === 0) return 'no completed trial yet';
  const tasks = [...new Set(top.flatMap((t) => Object.keys(t.scores)))];
  const out = [
    table(
      ['rank', 'trial', 'model', ...tasks, 'reward'],
      top.map((t, i) => [String(i + 1), String(t.index), t.produced?.name ?? '', ...tasks.map((x) => f3(t.scores[x])), f3(t.reward)]),
    ),
  ];
  top.forEach((t, i) => {
    out.push('', `Top-${i + 1} pipeline:`, ...formatPipeline(pipelineOf(t, trials), '  '));
  });
  return out.join('\n');
}
