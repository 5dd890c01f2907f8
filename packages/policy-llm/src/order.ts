import { Rng } from '@lamdagent/core/kit';

/**
 * The order in which the enumerated candidates (action types, and each candidate list) are shown to
 * the agent. `seeded`: a shuffle drawn from the study seed and the trial index, so at temperature 0
 * different study seeds see different prompts (and can choose differently) while one seed always sees
 * the same order, also after a resume. `fixed`: the action space's own order, the same in every seed.
 */
export type CandidateOrder = 'seeded' | 'fixed';

/**
 * Shown orders of one selection: `shown[k]` is the index (in the space's order) of the candidate
 * listed at position k, so an answer `[[k]]` means `shown[k]`. Each list has its own labelled stream
 * of `Rng` (study seed, trial index, step, list), independent of the study's `ctx.rng` (whose draws
 * the random fallback uses, unchanged) and replayed exactly on resume.
 */
export class ShownOrder {
  readonly mode: CandidateOrder;
  readonly #seed: number;
  readonly #iteration: number;

  constructor(mode: CandidateOrder, seed: number, iteration: number) {
    this.mode = mode;
    this.#seed = seed;
    this.#iteration = iteration;
  }

  /** The shown order of the offered action types (binding indices). */
  types(available: readonly number[]): number[] {
    return this.#shuffle(available, 'type');
  }

  /** The shown order of a candidate list of `size` candidates of a pool kind: `shown[k]` = candidate index. */
  list(kind: string, size: number): number[] {
    return this.#shuffle(
      Array.from({ length: size }, (_, i) => i),
      'objects',
      kind,
    );
  }

  #shuffle(items: readonly number[], ...labels: string[]): number[] {
    if (this.mode === 'fixed' || items.length < 2) return [...items];
    return Rng.labelled(this.#seed, 'llm candidate order', String(this.#iteration), ...labels).shuffle(items);
  }
}

/** `shown` inverted: candidate index -> position shown. */
export function positions(shown: readonly number[]): Map<number, number> {
  return new Map(shown.map((c, k) => [c, k]));
}

/** How the candidates were listed, for the transcript next to each choice. */
export function orderNote(mode: CandidateOrder, seed: number): string {
  return mode === 'seeded' ? `positions in the shown order, seeded by study seed ${seed} and the trial index` : 'positions in the action space order';
}
