import type { TrialRecord } from './trial.js';

/** Top-k completed trials by validation reward (ties: earlier trial first). Cached repeats are not listed twice. */
export function topK(trials: Iterable<TrialRecord>, k: number): TrialRecord[] {
  return [...trials]
    .filter((t) => t.state === 'complete' && typeof t.reward === 'number')
    .sort((a, b) => (b.reward as number) - (a.reward as number) || a.index - b.index)
    .slice(0, k);
}

/** One step of a pipeline: the trial that made a model, and the pipelines of its produced-model inputs. */
export interface PipelineNode {
  trial: number;
  model: string;
  action: string;
  actionType: string;
  inputs: string[];
  reward?: number;
  from: PipelineNode[];
}

/** The chain (tree, for merges) of trials that produced a trial's model. */
export function pipelineOf(trial: TrialRecord, trials: Iterable<TrialRecord>): PipelineNode {
  const byProduced = new Map<string, TrialRecord>();
  for (const t of trials) if (t.state === 'complete' && t.produced) byProduced.set(t.produced.id, t);
  const build = (t: TrialRecord, depth: number): PipelineNode => ({
    trial: t.index,
    model: t.produced?.name ?? '?',
    action: t.action.name,
    actionType: t.action.type,
    inputs: t.action.inputs.map((i) => i.name),
    ...(t.reward !== undefined ? { reward: t.reward } : {}),
    from: depth > 200 ? [] : t.action.inputs.flatMap((i) => (byProduced.has(i.id) ? [build(byProduced.get(i.id) as TrialRecord, depth + 1)] : [])),
  });
  return build(trial, 0);
}

/** Number of steps in a pipeline (longest chain). */
export function pipelineDepth(node: PipelineNode): number {
  return 1 + Math.max(0, ...node.from.map(pipelineDepth));
}

/** Render a pipeline as indented lines, the final model first, each line `model <- action(inputs) reward`. */
export function formatPipeline(node: PipelineNode, indent = ''): string[] {
  const r = node.reward !== undefined ? `  reward ${node.reward.toFixed(3)}` : '';
  const lines = [`${indent}${node.model} <- ${node.action}(${node.inputs.join(', ')})  [trial ${node.trial}]${r}`];
  for (const f of node.from) lines.push(...formatPipeline(f, `${indent}  `));
  return lines;
}
