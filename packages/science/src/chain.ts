import type { TrialRecord } from '@lamdagent/core';

/** Trials that hold a model usable by later trials (run here, or served by the shared cache), by produced id. */
export function producers(trials: Iterable<TrialRecord>): Map<string, TrialRecord> {
  const m = new Map<string, TrialRecord>();
  for (const t of trials) if ((t.state === 'complete' || t.cache) && t.produced) m.set(t.produced.id, t);
  return m;
}

/** A pipeline as one line: `sft(sft(base, arith-1k, 0.002), rc-1k, 0.002)`. */
export function chainOf(t: TrialRecord, byProduced: Map<string, TrialRecord>, depth = 0): string {
  const args = t.action.inputs.map((i) => {
    const p = byProduced.get(i.id);
    return p && depth < 100 ? chainOf(p, byProduced, depth + 1) : i.name;
  });
  return `${t.action.name}(${args.join(', ')})`;
}

/** Trials with a usable model and a reward, best first (ties: earlier trial first), one per action key. */
export function ranked(trials: Iterable<TrialRecord>): TrialRecord[] {
  const seen = new Set<string>();
  return [...trials]
    .filter((t) => (t.state === 'complete' || t.cache) && typeof t.reward === 'number')
    .sort((a, b) => (b.reward as number) - (a.reward as number) || a.index - b.index)
    .filter((t) => (seen.has(t.action.key) ? false : (seen.add(t.action.key), true)));
}
