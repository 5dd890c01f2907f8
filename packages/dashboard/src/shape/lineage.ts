// Lineage shaping: which trial produced which model from which inputs, for the top-k models (Figures 3 and 6).
import type { TrialRecord } from '../types.js';

/** Top-k completed trials by validation reward, ties to the earlier trial: the same rule as core's `topK`. */
export function topTrials(trials: Iterable<TrialRecord>, k: number): TrialRecord[] {
  return [...trials]
    .filter((t) => t.state === 'complete' && typeof t.reward === 'number')
    .sort((a, b) => (b.reward as number) - (a.reward as number) || a.index - b.index)
    .slice(0, Math.max(0, k));
}

export interface LineageNode {
  /** `t<index>` for a trial's model, `src:<object id>` for a model that was in the pool from the start. */
  id: string;
  kind: 'trial' | 'source';
  trial?: number;
  /** Action name (trial) or model name (source). */
  label: string;
  /** The trial's non-model inputs (datasets, hyperparameters), by name. */
  details: string[];
  model?: string;
  reward?: number;
  /** 1-based ranks of the top models this node is (several only with ties in identity; usually one). */
  ranks: number[];
}

export interface LineageEdge {
  from: string;
  to: string;
}

export interface LineageGraph {
  nodes: LineageNode[];
  edges: LineageEdge[];
  /** Trial index of each top model, best first. */
  tops: number[];
}

/**
 * A model input: one produced by a trial, or a configured object whose kind (its config key: `models`,
 * `base_models`, ...) names models. Other inputs (datasets, hyperparameters) are shown inside the node.
 */
function isModelInput(input: { id: string; kind: string }, produced: ReadonlyMap<string, TrialRecord>): boolean {
  return produced.has(input.id) || /model/i.test(input.kind);
}

/** The trials in a model's pipeline (the model's trial first, then its ancestors, breadth first). */
export function pipelineTrials(top: TrialRecord, trials: Iterable<TrialRecord>): number[] {
  const produced = producedBy(trials);
  const seen = new Set<number>();
  const queue: TrialRecord[] = [top];
  while (queue.length) {
    const t = queue.shift() as TrialRecord;
    if (seen.has(t.index)) continue;
    seen.add(t.index);
    for (const i of t.action.inputs) {
      const p = produced.get(i.id);
      if (p && !seen.has(p.index)) queue.push(p);
    }
  }
  return [...seen];
}

function producedBy(trials: Iterable<TrialRecord>): Map<string, TrialRecord> {
  const m = new Map<string, TrialRecord>();
  for (const t of trials) if (t.state === 'complete' && t.produced && !m.has(t.produced.id)) m.set(t.produced.id, t);
  return m;
}

/** The union of the top-k models' pipelines as a graph: shared ancestors appear once (merges make it a DAG). */
export function lineageGraph(trials: readonly TrialRecord[], k: number): LineageGraph {
  const produced = producedBy(trials);
  const tops = topTrials(trials, k);
  const nodes = new Map<string, LineageNode>();
  const edges = new Map<string, LineageEdge>();
  const visit = (t: TrialRecord): string => {
    const id = `t${t.index}`;
    if (nodes.has(id)) return id;
    const node: LineageNode = {
      id,
      kind: 'trial',
      trial: t.index,
      label: t.action.name,
      details: t.action.inputs.filter((i) => !isModelInput(i, produced)).map((i) => i.name),
      ...(t.produced ? { model: t.produced.name } : {}),
      ...(t.reward !== undefined ? { reward: t.reward } : {}),
      ranks: [],
    };
    nodes.set(id, node);
    for (const input of t.action.inputs) {
      if (!isModelInput(input, produced)) continue;
      const parent = produced.get(input.id);
      let from: string;
      if (parent && parent.index !== t.index) from = visit(parent);
      else {
        from = `src:${input.id}`;
        if (!nodes.has(from)) nodes.set(from, { id: from, kind: 'source', label: input.name, details: [input.kind], ranks: [] });
      }
      edges.set(`${from}->${id}`, { from, to: id });
    }
    return id;
  };
  tops.forEach((t, i) => {
    const id = visit(t);
    nodes.get(id)?.ranks.push(i + 1);
  });
  return { nodes: [...nodes.values()], edges: [...edges.values()], tops: tops.map((t) => t.index) };
}

/** A model's pipeline as indented lines, final model first: `#12 sft(t7, data/a.json, 0.5) → 0--12--0  reward 0.812`. */
export function pipelineLines(trial: TrialRecord, trials: readonly TrialRecord[]): { depth: number; trial?: number; text: string; reward?: number }[] {
  const produced = producedBy(trials);
  const out: { depth: number; trial?: number; text: string; reward?: number }[] = [];
  const walk = (t: TrialRecord, depth: number, seen: Set<number>): void => {
    out.push({
      depth,
      trial: t.index,
      text: `${t.action.name}(${t.action.inputs.map((i) => i.name).join(', ')})${t.produced ? ` → ${t.produced.name}` : ''}`,
      ...(t.reward !== undefined ? { reward: t.reward } : {}),
    });
    if (seen.has(t.index) || depth > 200) return;
    const next = new Set(seen).add(t.index);
    for (const i of t.action.inputs) {
      const p = produced.get(i.id);
      if (p && p.index !== t.index) walk(p, depth + 1, next);
      else if (isModelInput(i, produced)) out.push({ depth: depth + 1, text: `${i.name} (${i.kind})` });
    }
  };
  walk(trial, 0, new Set());
  return out;
}
