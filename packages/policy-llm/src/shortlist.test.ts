import type { FactoryContext, Policy, PolicyContext, Proposal } from '@lamdagent/core';
import { describe, expect, it } from 'vitest';
import { createLlmPolicy } from './factory.js';
import { grownWorld, ScriptedProvider, selectionText, SFT_INDEX, TIES_INDEX } from './testing/helpers.js';
import { contextFor, type World } from './testing/world.js';

/** A ranking policy proposing fixed actions of the world (best first); records what it was asked. */
function fakeRanker(propose: (ctx: PolicyContext) => Proposal[]): Policy & { asked: number[]; closed: boolean } {
  const r = {
    name: 'fake-ranker',
    asked: [] as number[],
    closed: false,
    select: () => Promise.reject(new Error('the hybrid never asks its ranker to select')),
    propose: async (ctx: PolicyContext, size: number) => {
      r.asked.push(size);
      return propose(ctx).slice(0, size);
    },
    close: async () => {
      r.closed = true;
    },
  };
  return r;
}

const three = (w: World): Proposal[] => [
  { action: w.space.atFor(SFT_INDEX, 5), predicted: 0.612, sd: 0.04 },
  { action: w.space.atFor(TIES_INDEX, 0), predicted: 0.55, sd: 0.1 },
  { action: w.space.atFor(SFT_INDEX, 9) },
];

async function hybrid(provider: ScriptedProvider, ranker: Policy, options: Record<string, unknown> = {}, policy?: FactoryContext['policy']) {
  return createLlmPolicy(
    { model: 'gpt-4o-2024-08-06', baseURL: 'http://127.0.0.1:9/v1', retryBaseMs: 1, shortlist: { policy: 'fake-ranker', size: 3 }, ...options },
    { configDir: '/tmp', seed: 7, env: {}, policy: policy ?? (async () => ranker) },
    { provider },
  );
}

describe('the LLM-plus-model hybrid (shortlist)', () => {
  it("shows the ranker's proposals with their predictions and takes the one the agent names", async () => {
    const w = grownWorld();
    const props = three(w);
    const ranker = fakeRanker(() => props);
    const p = new ScriptedProvider(['The second looks promising. [[1]]']);
    const policy = await hybrid(p, ranker);
    const sel = await policy.select(contextFor(w));
    expect(sel.action.key).toBe(props[1]!.action.key);
    expect(sel.fallback).toBeUndefined();
    expect(ranker.asked).toEqual([3]);
    expect(p.requests).toHaveLength(1);
    const prompt = p.prompt(0);
    expect(prompt).toContain('A model of this search (fake-ranker)');
    expect(prompt).toMatch(
      /\[0\] sft\([^)]*\): predicted reward 0\.612 ± 0\.040\n\[1\] ties_merging\([^)]*\): predicted reward 0\.550 ± 0\.100\n\[2\] sft\([^)]*\): no prediction/,
    );
    expect(prompt).toContain('between 0 and 2');
    expect(sel.answers).toEqual([{ step: 'shortlist', outcome: 'first', replies: 1, constrained: false }]);
    await policy.close();
    expect(ranker.closed).toBe(true);
  });

  it("asks for a constrained answer of one slot over the proposals, and takes the ranker's first proposal when no answer is usable", async () => {
    const w = grownWorld();
    const props = three(w);
    const p = new ScriptedProvider(['[[7]]', 'none of them', '[[3]]']);
    const policy = await hybrid(
      p,
      fakeRanker(() => props),
      { constrain: false },
    );
    const sel = await policy.select(contextFor(w));
    expect(sel.action.key).toBe(props[0]!.action.key);
    expect(sel.fallback).toMatch(/^shortlist step: no usable answer in 3 replies .*; took fake-ranker's first proposal$/);
    expect(p.prompt(1)).toContain('7 is not a listed proposal: choose a number from 0 to 2');
    expect(sel.answers).toEqual([{ step: 'shortlist', outcome: 'fallback', replies: 3, constrained: false }]);

    const specs: unknown[] = [];
    const q = new ScriptedProvider(['[[2]]']);
    const chat = q.chat.bind(q);
    q.chat = async (req) => {
      specs.push(req.answer);
      return chat(req);
    };
    const constrained = await hybrid(
      q,
      fakeRanker(() => props),
    );
    expect((await constrained.select(contextFor(w))).action.key).toBe(props[2]!.action.key);
    expect(specs).toEqual([{ step: 'shortlist', slots: [{ name: 'action', size: 3 }] }]);
  });

  it('chooses type then objects while the ranker proposes nothing, and takes a single proposal without asking', async () => {
    const w = grownWorld();
    const p = new ScriptedProvider(['[[0]]', '[[0, 4, 0]]']);
    const sel = await (
      await hybrid(
        p,
        fakeRanker(() => []),
        { candidateOrder: 'fixed' },
      )
    ).select(contextFor(w));
    expect(p.requests).toHaveLength(2);
    expect(sel.action.name).toBe('sft');
    expect(selectionText(sel)).toContain('fake-ranker has no model yet (no proposals): choosing type, then objects');

    const one = three(w).slice(2);
    const q = new ScriptedProvider([]);
    const single = await (
      await hybrid(
        q,
        fakeRanker(() => one),
      )
    ).select(contextFor(w));
    expect(q.requests).toHaveLength(0);
    expect(single.action.key).toBe(one[0]!.action.key);
  });

  it('refuses a shortlist it cannot build, naming the option', async () => {
    const p = new ScriptedProvider([]);
    const ranker = fakeRanker(() => []);
    await expect(hybrid(p, ranker, { shortlist: { policy: 'llm' } })).rejects.toThrow(
      /shortlist\.policy: must name a ranking policy such as surrogate, not llm/,
    );
    await expect(hybrid(p, ranker, { shortlist: { policy: 'x', size: 1 } })).rejects.toThrow(/shortlist\.size/);
    const noPropose: Policy = { name: 'random', select: () => Promise.reject(new Error('unused')) };
    await expect(hybrid(p, noPropose, { shortlist: { policy: 'random' } })).rejects.toThrow(/shortlist\.policy: random cannot propose ranked candidates/);
    await expect(
      hybrid(p, ranker, {}, () => {
        throw new Error('unknown policy "surogate"');
      }),
    ).rejects.toThrow(/shortlist\.policy: fake-ranker: unknown policy "surogate"/);
    await expect(
      createLlmPolicy(
        { model: 'm', baseURL: 'http://127.0.0.1:9/v1', shortlist: { policy: 'surrogate' } },
        { configDir: '/tmp', seed: 1, env: {} },
        { provider: p },
      ),
    ).rejects.toThrow(/shortlist: this context cannot create policies/);
  });
});
