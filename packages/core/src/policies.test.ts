import { describe, expect, it } from 'vitest';
import type { ActionBinding, ActionTypeDefinition } from './action-type.js';
import type { PoolObject } from './objects.js';
import { GreedyPolicy } from './policies-greedy.js';
import { RandomPolicy, RandomTypePolicy } from './policies-random.js';
import type { PolicyContext } from './policy.js';
import { ObjectPool } from './pool.js';
import { Rng } from './kit/rng.js';
import { ActionSpace } from './space.js';
import type { TrialRecord } from './trial.js';

const def = (type: string, n: number): ActionTypeDefinition => ({
  type,
  description: type,
  runner: 'r',
  slots: Array.from({ length: n }, (_, i) => ({ name: `s${i}`, type: 'model' })),
});
const obj = (kind: string, i: number): PoolObject => ({
  id: `${kind}/${i}`,
  kind,
  type: 'model',
  name: `${kind}${i}`,
  value: `/m/${kind}${i}`,
  digest: `${kind}${i}`,
});

function setup(models: number): { pool: ObjectPool; space: ActionSpace; ctx: (history?: TrialRecord[], seed?: number) => PolicyContext } {
  const pool = new ObjectPool();
  for (let i = 0; i < models; i++) pool.add(obj('models', i));
  for (let i = 0; i < 3; i++) pool.add(obj('data', i));
  const bindings: ActionBinding[] = [
    {
      name: 'sft',
      definition: def('sft', 2),
      kinds: ['models', 'data'],
      slotNames: ['model', 'dataset'],
      unordered: [],
      params: {},
      produces: 'models',
      runner: 'r',
      runnerParams: {},
    },
    {
      name: 'ties',
      definition: def('ties', 2),
      kinds: ['models', 'models'],
      slotNames: ['models', 'models'],
      unordered: [[0, 1]],
      params: {},
      produces: 'models',
      runner: 'r',
      runnerParams: {},
    },
  ];
  const space = new ActionSpace(pool, bindings, () => '1');
  return {
    pool,
    space,
    ctx: (history = [], seed = 1) => ({
      iteration: history.length,
      space,
      pool: pool.all(),
      history,
      pending: [],
      rng: new Rng(seed),
      signal: new AbortController().signal,
    }),
  };
}

describe('random policies', () => {
  it('random is uniform over all actions, so merges dominate a large pool; random-type is uniform over types', async () => {
    const { ctx } = setup(40); // sft: 40*3 = 120 actions, ties: 780 pairs
    let merges = 0;
    let mergesByType = 0;
    for (let s = 0; s < 400; s++) {
      if ((await new RandomPolicy().select(ctx([], s))).action.type === 'ties') merges++;
      if ((await new RandomTypePolicy().select(ctx([], s))).action.type === 'ties') mergesByType++;
    }
    expect(merges / 400).toBeGreaterThan(0.8); // 780/900 expected
    expect(mergesByType / 400).toBeGreaterThan(0.4);
    expect(mergesByType / 400).toBeLessThan(0.6);
  });
});

describe('greedy policy', () => {
  it('builds on the best model so far and avoids actions already tried', async () => {
    const { pool, space, ctx } = setup(3);
    const best = obj('models', 9);
    pool.add(best);
    const tried = space.atFor(0, 0);
    const history: TrialRecord[] = [
      {
        index: 0,
        state: 'complete',
        action: { name: 'sft', type: 'sft', key: 'x', inputs: [], params: {} },
        produced: { id: best.id, name: best.name, path: '/m' },
        scores: {},
        reward: 0.9,
        startedAt: '',
        durations: {},
        metrics: {},
      },
      {
        index: 1,
        state: 'complete',
        action: { name: tried.name, type: tried.type, key: tried.key, inputs: [], params: {} },
        scores: {},
        reward: 0.1,
        startedAt: '',
        durations: {},
        metrics: {},
      },
    ];
    const p = new GreedyPolicy({ epsilon: 0 });
    let usesBest = 0;
    for (let s = 0; s < 50; s++) {
      const sel = await p.select(ctx(history, s));
      expect(sel.action.key).not.toBe(tried.key);
      if (sel.action.inputs.some((o) => o.id === best.id)) usesBest++;
    }
    expect(usesBest).toBe(50);
  });

  it('builds on the best initial model before any trial has produced one (not like random-type)', async () => {
    const { ctx } = setup(4);
    const initial = [0, 1, 2, 3].map((i) => ({ id: `models/${i}`, name: `models${i}`, digest: `models${i}`, scores: {}, reward: i === 2 ? 0.8 : 0.1 }));
    const p = new GreedyPolicy({ epsilon: 0, topK: 1 });
    let usesBest = 0;
    let sameAsRandomType = 0;
    for (let s = 0; s < 50; s++) {
      const sel = await p.select({ ...ctx([], s), initial });
      if (sel.action.inputs.some((o) => o.id === 'models/2')) usesBest++;
      if ((await new RandomTypePolicy().select(ctx([], s))).action.key === sel.action.key) sameAsRandomType++;
    }
    expect(usesBest).toBe(50);
    expect(sameAsRandomType).toBeLessThan(25);
  });

  it('says so when every action has been tried', async () => {
    const { space, ctx } = setup(1);
    const all = Array.from({ length: space.count() }, (_, i) => space.at(i));
    const history = all.map((a, i): TrialRecord => ({
      index: i,
      state: 'failed',
      action: { name: a.name, type: a.type, key: a.key, inputs: [], params: {} },
      scores: {},
      startedAt: '',
      durations: {},
      metrics: {},
    }));
    const sel = await new GreedyPolicy().select(ctx(history));
    expect(sel.fallback).toMatch(/no untried action/);
  });
});
