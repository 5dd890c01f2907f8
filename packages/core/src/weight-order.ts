import type { ActionBinding } from './action-type.js';
import type { JournalState } from './journal.js';
import type { ObjectPool } from './pool.js';
import { samePerPosition } from './space.js';

/**
 * Journal format versions: 1 put the models of a weighted merge in content-digest order before the
 * action was built (so `ties(A, B, [0.7, 0.3])` could run as `(B, A)`); 2 keeps the order chosen.
 */
export const JOURNAL_VERSION = 2;

/**
 * For a study written by format 1: which of its trials ran a merge with unequal per-position weights
 * (their models ran in digest order, as journaled), said in one notice; undefined when none did.
 */
export function legacyWeightOrderNotice(state: JournalState, bindings: readonly ActionBinding[], pool: ObjectPool): string | undefined {
  if (!state.header || state.header.version >= JOURNAL_VERSION) return undefined;
  const affected: string[] = [];
  for (const t of [...state.trials.values()].sort((a, b) => a.index - b.index)) {
    const b = bindings.find((x) => x.name === t.action.name);
    for (const w of b?.weighted ?? []) {
      const weights = pool.get(t.action.inputs[w.paramsAt]?.id ?? '')?.value;
      if (weights === undefined || samePerPosition(weights)) continue;
      const models = w.positions.map((p) => t.action.inputs[p]?.name).join(', ');
      affected.push(`#${t.index} ${t.action.name}(${models}) with ${JSON.stringify(weights)}`);
    }
  }
  if (!affected.length) return undefined;
  return (
    `this study was written before merge weights were kept with the models they were chosen for: ` +
    `${affected.length} trial(s) ran their models in content-digest order, as journaled (${affected.join('; ')}). ` +
    `Those results stand for the inputs in the order shown (first weight to the first model); ` +
    `the policy may have chosen the other order. New trials keep the order chosen.`
  );
}
