import type { Policy, PolicyContext, Proposal, Selection } from '@lamdagent/core';
import { Rng } from '@lamdagent/core/kit';
import { describe, expect, it } from 'vitest';
import { simulate } from './landscape.test-util.js';
import { coveringAction } from './cover.js';
import { Lineage } from './lineage.js';
import { SurrogatePolicy } from './surrogate.js';

/** Wraps a surrogate: before each selection, asks it to propose (with its own copy of the trial's rng) and records what it said. */
function probe(seed: number, size: number, options: Record<string, unknown> = {}) {
  const log: { proposals: Proposal[]; selection: Selection; taken: Set<string>; covering: boolean }[] = [];
  const make = (): Policy => {
    const s = new SurrogatePolicy(options);
    return {
      name: 'probe',
      select: async (ctx: PolicyContext) => {
        const proposals = await s.propose({ ...ctx, rng: new Rng(seed, ctx.iteration) }, size);
        const covering = coveringAction({ ...ctx, rng: new Rng(seed, ctx.iteration) }, new Lineage(ctx)) !== undefined;
        const selection = await s.select(ctx);
        log.push({ proposals, selection, taken: new Lineage(ctx).taken, covering });
        return selection;
      },
    };
  };
  return { make, log };
}

describe('surrogate.propose', () => {
  it.each([{}, { acquisition: 'thompson' }])(
    'proposes untried actions best first, the first always what it selects: the covering action, then the forest choice (%o)',
    async (options) => {
      const { make, log } = probe(5, 4, options);
      const plain = await simulate(() => new SurrogatePolicy(options), 5, 20, { pending: (i, w) => [w.space.at((i * 7) % w.space.count())] });
      const probed = await simulate(make, 5, 20, { pending: (i, w) => [w.space.at((i * 7) % w.space.count())] });
      // Proposing changes nothing: the same run as without it.
      expect(probed.actions.map((a) => a.key)).toEqual(plain.actions.map((a) => a.key));
      const withModel = log.filter((l) => l.proposals.length > 0);
      expect(withModel.length).toBeGreaterThanOrEqual(18);
      for (const l of withModel) expect(l.proposals[0]?.action.key).toBe(l.selection.action.key);
      // During the covering design the covering action comes first, without a prediction but with a note;
      // once two trials are observed the forest's ranking follows it.
      const covering = withModel.filter((l) => l.covering);
      expect(covering.length).toBeGreaterThanOrEqual(2);
      for (const l of covering) expect(l.proposals[0]).toMatchObject({ note: expect.stringContaining('covering design') });
      expect(covering.some((l) => l.proposals.length > 1 && l.proposals.slice(1).every((p) => p.predicted !== undefined))).toBe(true);
      expect(withModel.filter((l) => !l.covering).length).toBeGreaterThanOrEqual(8);
      for (const l of withModel) {
        expect(l.proposals.length).toBeLessThanOrEqual(4);
        expect(new Set(l.proposals.map((p) => p.action.key)).size).toBe(l.proposals.length);
        for (const p of l.proposals) {
          expect(l.taken.has(p.action.key)).toBe(false); // neither run nor running
          if (p.note === undefined) expect(Number.isFinite(p.predicted)).toBe(true);
        }
      }
      // Proposals with a model are a function of the context, and its ranking not a constant list.
      expect(new Set(withModel.map((l) => l.proposals.map((p) => p.action.key).join())).size).toBeGreaterThan(5);
    },
  );
});
