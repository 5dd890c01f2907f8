// Cost shaping: agent tokens and cost per step (the paper's Table 5), compute time per action type (Table 4).
import type { StudyData, TrialRecord, Usage } from '../types.js';

const STEP_NAMES: Record<string, string> = {
  type: 'Action type selection',
  objects: 'Object selection',
  memory: 'Memory update (feedback generation)',
};

/** A readable name for an LLM-policy usage step (`type`, `objects`, `memory`); other names as they are. */
export function stepName(step: string): string {
  return STEP_NAMES[step] ?? step;
}

export interface TokenRow {
  step: string;
  calls: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/** Every agent-LLM call of a study with the trial it belongs to: selection (trial and running records) and observation. */
export function usageEntries(study: Pick<StudyData, 'trials' | 'running' | 'observes'>): { index: number; usage: Usage }[] {
  const out: { index: number; usage: Usage }[] = [];
  for (const t of study.trials) for (const u of t.policy?.usage ?? []) out.push({ index: t.index, usage: u });
  for (const r of study.running) for (const u of r.policy?.usage ?? []) out.push({ index: r.index, usage: u });
  for (const o of study.observes) for (const u of o.usage) out.push({ index: o.index, usage: u });
  return out;
}

/** Tokens and cost per step, in first-seen order, plus a total row (step `total`). */
export function tokensByStep(study: Pick<StudyData, 'trials' | 'running' | 'observes'>): { rows: TokenRow[]; total: TokenRow } {
  const rows = new Map<string, TokenRow>();
  const total: TokenRow = { step: 'total', calls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 };
  const order = ['type', 'objects', 'memory'];
  const entries = usageEntries(study).sort((a, b) => {
    const ia = order.indexOf(a.usage.step);
    const ib = order.indexOf(b.usage.step);
    return (ia < 0 ? order.length : ia) - (ib < 0 ? order.length : ib);
  });
  for (const { usage: u } of entries) {
    const r = rows.get(u.step) ?? { step: u.step, calls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 };
    for (const x of [r, total]) {
      x.calls += 1;
      x.inputTokens += u.inputTokens;
      x.outputTokens += u.outputTokens;
      x.costUsd += u.costUsd;
    }
    rows.set(u.step, r);
  }
  return { rows: [...rows.values()], total };
}

export interface CostPoint {
  index: number;
  tokens: number;
  costUsd: number;
  /** Totals up to and including this trial. */
  cumTokens: number;
  cumCostUsd: number;
  /** Compute seconds (smoke + execute + evaluate) of this trial, and cumulated. */
  computeSec: number;
  cumComputeSec: number;
}

/** Agent tokens, cost and compute time per trial index, with running totals. */
export function costByTrial(study: Pick<StudyData, 'trials' | 'running' | 'observes'>): CostPoint[] {
  const per = new Map<number, { tokens: number; costUsd: number; computeSec: number }>();
  const at = (i: number): { tokens: number; costUsd: number; computeSec: number } => {
    let v = per.get(i);
    if (!v) per.set(i, (v = { tokens: 0, costUsd: 0, computeSec: 0 }));
    return v;
  };
  for (const { index, usage } of usageEntries(study)) {
    const v = at(index);
    v.tokens += usage.inputTokens + usage.outputTokens;
    v.costUsd += usage.costUsd;
  }
  for (const t of study.trials) at(t.index).computeSec += (t.durations['smoke'] ?? 0) + (t.durations['execute'] ?? 0) + (t.durations['evaluate'] ?? 0);
  let cumTokens = 0;
  let cumCostUsd = 0;
  let cumComputeSec = 0;
  return [...per.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([index, v]) => {
      cumTokens += v.tokens;
      cumCostUsd += v.costUsd;
      cumComputeSec += v.computeSec;
      return { index, ...v, cumTokens, cumCostUsd, cumComputeSec };
    });
}

export interface StageRow {
  /** An action type (its execution), or `evaluation`, `smoke runs`, `action selection`. */
  stage: string;
  kind: 'action' | 'evaluation' | 'smoke' | 'selection';
  /** Trials that ran this stage. */
  runs: number;
  /** Trials of this action type answered from the cache (no compute). */
  cached: number;
  failed: number;
  totalSec: number;
  meanSec: number | null;
  /** GPU hours reported by the executor (action stages only). */
  gpuHours: number;
}

/** Compute time per stage: one row per action type (execution), then evaluation, smoke runs and selection. */
export function computeByStage(trials: readonly TrialRecord[]): StageRow[] {
  const rows = new Map<string, StageRow>();
  const row = (stage: string, kind: StageRow['kind']): StageRow => {
    const key = `${kind}:${stage}`;
    let r = rows.get(key);
    if (!r) rows.set(key, (r = { stage, kind, runs: 0, cached: 0, failed: 0, totalSec: 0, meanSec: null, gpuHours: 0 }));
    return r;
  };
  const sorted = [...trials].sort((a, b) => a.index - b.index);
  for (const t of sorted) {
    const r = row(t.action.type, 'action');
    if (t.state === 'cached') r.cached += 1;
    if (t.state === 'failed') r.failed += 1;
    const exec = t.durations['execute'];
    if (exec !== undefined) {
      r.runs += 1;
      r.totalSec += exec;
      r.gpuHours += t.resources?.gpuHours ?? 0;
    }
  }
  const extra: [string, StageRow['kind'], string][] = [
    ['evaluation', 'evaluation', 'evaluate'],
    ['smoke runs', 'smoke', 'smoke'],
    ['action selection', 'selection', 'select'],
  ];
  for (const [stage, kind, key] of extra) {
    for (const t of sorted) {
      const d = t.durations[key];
      if (d === undefined) continue;
      const r = row(stage, kind);
      r.runs += 1;
      r.totalSec += d;
    }
  }
  const out = [...rows.values()];
  for (const r of out) r.meanSec = r.runs ? r.totalSec / r.runs : null;
  return out;
}

export interface AnswerRow {
  /** `constrained` (grammar / JSON schema) or `free text`. */
  kind: 'constrained' | 'free text';
  answers: number;
  validFirstTime: number;
  retried: number;
  fellBack: number;
}

/** How the agent's selection answers were obtained (LLM policies), by constrained and free text; empty for other policies. */
export function answerCounts(trials: readonly TrialRecord[]): { rows: AnswerRow[]; refused?: string } {
  const rows: AnswerRow[] = [
    { kind: 'constrained', answers: 0, validFirstTime: 0, retried: 0, fellBack: 0 },
    { kind: 'free text', answers: 0, validFirstTime: 0, retried: 0, fellBack: 0 },
  ];
  let refused: string | undefined;
  for (const t of trials) {
    for (const a of t.policy?.answers ?? []) {
      const r = rows[a.constrained ? 0 : 1] as AnswerRow;
      r.answers += 1;
      if (a.outcome === 'first') r.validFirstTime += 1;
      else if (a.outcome === 'retried') r.retried += 1;
      else r.fellBack += 1;
      refused ??= a.refused;
    }
  }
  const used = rows.filter((r) => r.answers > 0);
  return refused === undefined ? { rows: used } : { rows: used, refused };
}
