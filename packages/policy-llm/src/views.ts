import type { Action, ActionSpace, PoolObject, TrialRecord } from '@lamdagent/core';
import type { HistoryLimits } from './options.js';
import { typesWithCandidates, type Redactor } from '@lamdagent/core/kit';

/**
 * Compact, bounded text views of the study for the prompts. Every candidate stays listed (the agent
 * can select anything), but history is cut to the best and most recent trials, with counts.
 */
export interface StudyView {
  space: ActionSpace;
  pool: ReadonlyMap<string, PoolObject>;
  history: readonly TrialRecord[];
  pending: readonly Action[];
  limits: HistoryLimits;
  redact: Redactor;
}

export function makeView(
  ctx: { space: ActionSpace; pool: readonly PoolObject[]; history: readonly TrialRecord[]; pending: readonly Action[] },
  limits: HistoryLimits,
  redact: Redactor,
): StudyView {
  return { space: ctx.space, pool: new Map(ctx.pool.map((o) => [o.id, o])), history: ctx.history, pending: ctx.pending, limits, redact };
}

/** 4 significant digits, no exponent noise: 0.6550 -> "0.655", 12 -> "12". */
export function num(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(4)));
}

function oneLine(text: string, max: number, tail = false): string {
  const s = text.replace(/\s+/g, ' ').trim();
  if (s.length <= max) return s;
  return tail ? `...${s.slice(s.length - max + 3)}` : `${s.slice(0, max - 3)}...`;
}

/** `sft(gemma-2-2b-it, ToolACE, 1e-06)` */
export function formatAction(a: { name: string; inputs: readonly { name: string }[] }): string {
  return `${a.name}(${a.inputs.map((i) => i.name).join(', ')})`;
}

function hasReward(t: TrialRecord): t is TrialRecord & { reward: number } {
  return (t.state === 'complete' || t.state === 'cached') && typeof t.reward === 'number' && Number.isFinite(t.reward);
}

/** One trial on one line: action, produced model, reward and scores, or the failure's cause. */
export function trialLine(t: TrialRecord, v: StudyView, detailed = false): string {
  const head = `#${t.index} ${formatAction(t.action)}`;
  if (t.state === 'failed') {
    const e = t.error;
    if (!detailed) return `${head} FAILED (${e?.type ?? 'error'})`;
    let line = `${head} FAILED: ${e ? `${e.type}: ${oneLine(e.message, 300)}` : 'no cause recorded'}`;
    if (e?.logExcerpt && v.limits.logExcerptChars > 0) line += ` | log: ${oneLine(e.logExcerpt, v.limits.logExcerptChars, true)}`;
    return v.redact(line);
  }
  if (t.state === 'running') return `${head} still running`;
  const produced = t.produced ? ` -> ${t.produced.name}` : '';
  const cached = t.state === 'cached' ? ` (repeat${t.cachedFrom !== undefined ? ` of #${t.cachedFrom}` : ''}, cached result)` : '';
  const scores = Object.entries(t.scores);
  const scoreText = scores.length && (detailed || scores.length <= 4) ? ` (${scores.map(([k, s]) => `${k} ${num(s)}`).join(', ')})` : '';
  const reward = hasReward(t) ? `: reward ${num(t.reward)}${scoreText}` : ': no reward';
  return v.redact(`${head}${produced}${cached}${reward}`);
}

function best(v: StudyView): (TrialRecord & { reward: number }) | undefined {
  let b: (TrialRecord & { reward: number }) | undefined;
  for (const t of v.history) if (hasReward(t) && (!b || t.reward > b.reward)) b = t;
  return b;
}

/** `42 finished trials (38 complete, 1 repeated, 3 failed); best reward 0.655 (#61, model 0--61--0).` */
export function summaryText(v: StudyView): string {
  const h = v.history;
  if (!h.length) return 'No trial has finished yet: this is the start of the search.';
  const n = (s: TrialRecord['state']): number => h.filter((t) => t.state === s).length;
  const parts = [`${n('complete')} complete`];
  if (n('cached')) parts.push(`${n('cached')} repeated`);
  if (n('failed')) parts.push(`${n('failed')} failed`);
  const b = best(v);
  const bestText = b ? `; best reward ${num(b.reward)} (#${b.index}${b.produced ? `, model ${b.produced.name}` : ''})` : '; no reward yet';
  return `${h.length} finished trial${h.length === 1 ? '' : 's'} (${parts.join(', ')})${bestText}.`;
}

/** Best-k trials by reward, then the m most recent others, with a count of those left out. */
export function historyText(v: StudyView, exclude?: number): string {
  const h = exclude === undefined ? v.history : v.history.filter((t) => t.index !== exclude);
  if (!h.length) return 'No earlier results.';
  const top = h
    .filter(hasReward)
    .sort((a, b) => b.reward - a.reward || a.index - b.index)
    .slice(0, v.limits.best);
  const shown = new Set(top.map((t) => t.index));
  const recent = h.filter((t) => !shown.has(t.index)).slice(-v.limits.recent);
  for (const t of recent) shown.add(t.index);
  const lines: string[] = [];
  if (top.length) lines.push(`Best ${top.length} by reward:`, ...top.map((t) => `- ${trialLine(t, v)}`));
  if (recent.length) lines.push(`Most recent:`, ...recent.map((t) => `- ${trialLine(t, v)}`));
  const hidden = h.length - shown.size;
  if (hidden > 0) lines.push(`(${hidden} other trial${hidden === 1 ? '' : 's'} not shown; produced models and their rewards are listed with the candidates.)`);
  return lines.join('\n');
}

/** The most recent failures with their cause (error type, message, log tail). */
export function failuresText(v: StudyView): string {
  const failed = v.history.filter((t) => t.state === 'failed');
  if (!failed.length || v.limits.failures === 0) return failed.length ? `${failed.length} trials failed.` : 'None.';
  const shown = failed.slice(-v.limits.failures);
  const lines = shown.map((t) => `- ${trialLine(t, v, true)}`);
  if (failed.length > shown.length) lines.push(`(${failed.length - shown.length} earlier failures not shown.)`);
  return lines.join('\n');
}

export function pendingText(v: StudyView, actionName?: string): string {
  const list = actionName === undefined ? v.pending : v.pending.filter((a) => a.name === actionName);
  if (!list.length) return 'Nothing else is running.';
  const shown = list.slice(0, v.limits.pending);
  const lines = shown.map((a) => `- ${formatAction(a)}`);
  if (list.length > shown.length) lines.push(`(and ${list.length - shown.length} more)`);
  return lines.join('\n');
}

/** Indices of the bindings that have at least one action now. */
export const availableBindings = typesWithCandidates;

/** Numbered action types with their use so far. */
export function actionTypesText(v: StudyView, available: readonly number[]): string {
  return available
    .map((b, i) => {
      const binding = v.space.bindings[b];
      if (!binding) throw new RangeError(`no action binding ${b}`);
      const runs = v.history.filter((t) => t.action.name === binding.name);
      const rewards = runs.filter(hasReward).map((t) => t.reward);
      const failed = runs.filter((t) => t.state === 'failed').length;
      const inputs = binding.slotNames.join(', ');
      let stats = `${v.space.countFor(b).toLocaleString('en-US')} possible actions; `;
      if (!runs.length) stats += 'not tried yet';
      else {
        stats += `tried ${runs.length} time${runs.length === 1 ? '' : 's'}`;
        if (failed) stats += ` (${failed} failed)`;
        if (rewards.length) stats += `, best reward ${num(Math.max(...rewards))}, mean ${num(rewards.reduce((a, c) => a + c, 0) / rewards.length)}`;
        stats += `, last in #${(runs[runs.length - 1] as TrialRecord).index}`;
      }
      return `${i}: ${binding.name} - ${oneLine(binding.definition.description, 200)} Inputs: ${inputs}. ${stats}.`;
    })
    .join('\n');
}

/** Lists of candidates for a binding: one list per pool kind (a kind used twice is listed once). */
export interface ObjectLists {
  /** Per position: label of its list (A, B, ...). */
  labels: string[];
  /** Per position: number of candidates. */
  sizes: number[];
  /** Per position: the shown order, `shown[p][k]` = index (in the space's order) of the candidate listed at k. */
  shown: number[][];
  positions: string;
  lists: string;
  example: string;
}

function listLabel(i: number): string {
  return i < 26 ? String.fromCharCode(65 + i) : `L${i + 1}`;
}

/** Pool kinds with exactly one object: such inputs carry no information in a lineage. */
function singleKinds(v: StudyView): Set<string> {
  const counts = new Map<string, number>();
  for (const o of v.pool.values()) counts.set(o.kind, (counts.get(o.kind) ?? 0) + 1);
  return new Set([...counts].filter(([, n]) => n === 1).map(([k]) => k));
}

function describeObject(o: PoolObject, v: StudyView, rewards: ReadonlyMap<string, number>, single: ReadonlySet<string>): string {
  let s = o.name;
  if (o.type !== 'model' && o.type !== 'dataset') {
    const value = JSON.stringify(o.value);
    const squash = (x: string): string => x.replace(/\s+/g, '');
    if (squash(value) !== squash(o.name) && value !== JSON.stringify(o.name) && value.length <= 80) s += ` = ${value}`;
  }
  if (o.type === 'model' || o.provenance) {
    const r = rewards.get(o.id);
    if (r !== undefined) s += `  reward ${num(r)}`;
    if (o.provenance) {
      const p = o.provenance;
      const inputs = p.inputs.map((id) => ({ id, o: v.pool.get(id) })).filter(({ o }) => !o || !single.has(o.kind));
      s += `  = ${p.action}(${inputs.map(({ id, o }) => o?.name ?? id).join(', ')})`;
    } else if (o.type === 'model') s += '  (initial)';
  }
  return v.redact(s);
}

/** Produced object id -> reward of the trial that produced it. */
export function rewardsById(history: readonly TrialRecord[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of history) if (hasReward(t) && t.produced && !m.has(t.produced.id)) m.set(t.produced.id, t.reward);
  return m;
}

/**
 * The candidate lists of a binding, each in the order `order(kind, size)` gives (default: the space's
 * order); an index in the answer is a position in the list as shown.
 */
export function objectListsText(v: StudyView, binding: number, order?: (kind: string, size: number) => number[]): ObjectLists {
  const b = v.space.bindings[binding];
  if (!b) throw new RangeError(`no action binding ${binding}`);
  const kindLabel = new Map<string, string>();
  const kindShown = new Map<string, number[]>();
  const labels: string[] = [];
  const sizes: number[] = [];
  const shownAt: number[][] = [];
  const listBlocks: string[] = [];
  const rewards = rewardsById(v.history);
  const single = singleKinds(v);
  b.kinds.forEach((kind, p) => {
    let label = kindLabel.get(kind);
    const cands = v.space.candidates(binding, p);
    // Candidates depend on the kind alone: a kind used twice is one list, in one shown order.
    let shown = kindShown.get(kind);
    if (shown === undefined) {
      shown = order ? order(kind, cands.length) : cands.map((_o, i) => i);
      if (shown.length !== cands.length) throw new RangeError(`shown order of ${kind}: ${shown.length} positions for ${cands.length} candidates`);
    }
    if (label === undefined) {
      label = listLabel(kindLabel.size);
      kindLabel.set(kind, label);
      kindShown.set(kind, shown);
      const lines = shown.map((c, i) => `  ${i}: ${describeObject(cands[c] as PoolObject, v, rewards, single)}`);
      listBlocks.push(`List ${label} (${kind}, ${cands.length} candidate${cands.length === 1 ? '' : 's'}):\n${lines.join('\n')}`);
    }
    labels.push(label);
    sizes.push(cands.length);
    shownAt.push(shown);
  });
  const groupOf = new Map<number, number[]>();
  const weightedAt = new Map<number, number>();
  for (const g of b.unordered) for (const p of g) groupOf.set(p, g);
  for (const w of b.weighted ?? []) {
    for (const p of w.positions) {
      groupOf.set(p, w.positions);
      weightedAt.set(p, w.paramsAt);
    }
  }
  const positions = b.kinds
    .map((_k, p) => {
      const g = groupOf.get(p);
      const order = weightedAt.has(p) ? `the ${ordinal(g!.indexOf(p))} value of ${b.slotNames[weightedAt.get(p)!]} applies to it` : 'order does not matter';
      const distinct = g && g[0] !== p ? ` (different from the ${b.slotNames[g[0] as number]} before it; ${order})` : weightedAt.has(p) ? ` (${order})` : '';
      return `${p + 1}. ${b.slotNames[p]}: an index into list ${labels[p]}${distinct}`;
    })
    .join('\n');
  const example = `[[${sizes.map((n, p) => (groupOf.get(p) && (groupOf.get(p) as number[])[0] !== p ? Math.min(1, n - 1) : 0)).join(', ')}]]`;
  const produced = b.kinds.some((_k, p) => v.space.candidates(binding, p).some((o) => o.provenance));
  const note = produced ? 'Produced models show their reward and how they were made (inputs with a single possible value left out).\n\n' : '';
  return { labels, sizes, shown: shownAt, positions, lists: note + listBlocks.join('\n\n'), example };
}

/** The new result for the memory update, with scores and, for a failure, its cause. */
export function newResultText(t: TrialRecord, v: StudyView): string {
  const lines = [trialLine(t, v, true)];
  const b = best({ ...v, history: v.history.filter((h) => h.index !== t.index) });
  if (hasReward(t) && b) {
    const d = t.reward - b.reward;
    lines.push(d > 0 ? `This is a new best (previous best ${num(b.reward)} at #${b.index}).` : `The best so far remains ${num(b.reward)} (#${b.index}).`);
  }
  return lines.join('\n');
}

const ordinal = (i: number): string => ['first', 'second', 'third', 'fourth', 'fifth'][i] ?? `${i + 1}th`;
