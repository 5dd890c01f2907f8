import { describe, expect, it } from 'vitest';
import type { ActionBinding, ActionTypeDefinition } from './action-type.js';
import { choose, permutations, rankCombination, rankPermutation, unrankCombination, unrankPermutation } from './combinatorics.js';
import type { PoolObject } from './objects.js';
import { ObjectPool } from './pool.js';
import { ActionSpace } from './space.js';

const obj = (kind: string, i: number, type = 'model'): PoolObject => ({
  id: `${kind}/${i}`,
  kind,
  type,
  name: `${kind}${i}`,
  value: `/x/${kind}${i}`,
  digest: `d-${kind}-${i}`,
});
const def = (type: string, n: number): ActionTypeDefinition => ({
  type,
  description: type,
  runner: 'r',
  slots: Array.from({ length: n }, (_, i) => ({ name: `s${i}`, type: 'model' })),
});

function world(nModels: number, nData: number): { pool: ObjectPool; space: ActionSpace } {
  const pool = new ObjectPool();
  pool.add(obj('base', 0));
  for (let i = 0; i < nModels; i++) pool.add(obj('models', i));
  for (let i = 0; i < nData; i++) pool.add(obj('data', i, 'dataset'));
  pool.add(obj('lr', 0, 'number'));
  const bindings: ActionBinding[] = [
    {
      name: 'sft',
      definition: def('sft', 3),
      kinds: ['models', 'data', 'lr'],
      slotNames: ['model', 'dataset', 'lr'],
      unordered: [],
      params: {},
      produces: 'models',
      runner: 'r',
      runnerParams: {},
    },
    {
      name: 'ties',
      definition: def('ties', 3),
      kinds: ['base', 'models', 'models'],
      slotNames: ['base', 'models', 'models'],
      unordered: [[1, 2]],
      params: {},
      produces: 'models',
      runner: 'r',
      runnerParams: {},
    },
  ];
  return { pool, space: new ActionSpace(pool, bindings, () => '1') };
}

/** Brute force: every tuple, with unordered groups deduplicated and distinct. */
function brute(space: ActionSpace, b: number): string[] {
  const binding = space.bindings[b]!;
  const lists = binding.kinds.map((_, p) => space.candidates(b, p));
  const out = new Set<string>();
  const rec = (p: number, acc: PoolObject[]): void => {
    if (p === lists.length) {
      for (const g of binding.unordered) if (new Set(g.map((q) => acc[q]!.id)).size !== g.length) return;
      const ids = acc.map((o) => o.id);
      for (const g of binding.unordered) {
        const sorted = g.map((q) => ids[q]!).sort();
        g.forEach((q, j) => (ids[q] = sorted[j]!));
      }
      out.add(ids.join('|'));
      return;
    }
    for (const o of lists[p]!) rec(p + 1, [...acc, o]);
  };
  rec(0, []);
  return [...out].sort();
}

describe('combinatorics', () => {
  it('unranks and ranks every k-subset in lexicographic order', () => {
    for (const [n, k] of [
      [5, 2],
      [7, 3],
      [6, 1],
      [4, 4],
    ] as const) {
      const all = Array.from({ length: choose(n, k) }, (_, r) => unrankCombination(n, k, r));
      expect(new Set(all.map((s) => s.join())).size).toBe(choose(n, k));
      all.forEach((s, r) => expect(rankCombination(n, s)).toBe(r));
      const sorted = [...all].sort((a, b) => a.join().localeCompare(b.join()));
      expect(all.map((s) => s.join())).toEqual(sorted.map((s) => s.join()));
    }
  });
  it('unranks and ranks every k-permutation in lexicographic order', () => {
    for (const [n, k] of [
      [5, 2],
      [4, 3],
      [6, 1],
      [3, 3],
    ] as const) {
      const all = Array.from({ length: permutations(n, k) }, (_, r) => unrankPermutation(n, k, r));
      expect(new Set(all.map((s) => s.join())).size).toBe(permutations(n, k));
      for (const s of all) expect(new Set(s).size).toBe(k);
      all.forEach((s, r) => expect(rankPermutation(n, s)).toBe(r));
      const sorted = [...all].sort((a, b) => a.join().localeCompare(b.join()));
      expect(all.map((s) => s.join())).toEqual(sorted.map((s) => s.join()));
    }
    expect(permutations(1000, 2)).toBe(999000);
  });
  it('counts 1,000 choose 2 exactly', () => {
    expect(choose(1000, 2)).toBe(499500);
  });
});

describe('ActionSpace', () => {
  it('counts and indexes lazily, matching brute force on small pools', () => {
    for (const [m, d] of [
      [1, 1],
      [3, 2],
      [5, 4],
    ] as const) {
      const { space } = world(m, d);
      for (let b = 0; b < 2; b++) {
        const expected = brute(space, b);
        expect(space.countFor(b)).toBe(expected.length);
        const got = Array.from({ length: space.countFor(b) }, (_, i) => {
          const a = space.atFor(b, i);
          const ids = a.inputs.map((o) => o.id);
          for (const g of space.bindings[b]!.unordered) {
            const sorted = g.map((q) => ids[q]!).sort();
            g.forEach((q, j) => (ids[q] = sorted[j]!));
          }
          expect(space.indexOf(b, a.inputs)).toBe(i);
          return ids.join('|');
        });
        expect(got.sort()).toEqual(expected);
      }
      expect(space.count()).toBe(brute(space, 0).length + brute(space, 1).length);
    }
  });

  it('treats unordered slots as a set: A+B and B+A give the same action key; A+A is refused', () => {
    const { pool, space } = world(3, 1);
    const base = pool.get('base/0')!;
    const [a, b] = [pool.get('models/0')!, pool.get('models/1')!];
    expect(space.make(1, [base, a, b]).key).toBe(space.make(1, [base, b, a]).key);
    expect(space.make(1, [base, a, b]).key).not.toBe(space.make(1, [base, a, pool.get('models/2')!]).key);
    expect(() => space.make(1, [base, a, a])).toThrow(/distinct/);
    expect(() => space.make(1, [a, a, b])).toThrow(/not a candidate/);
  });

  it('handles 1,000 models without materialising candidates (about 500,000 merge pairs)', () => {
    const { space } = world(1000, 9);
    expect(space.countFor(1)).toBe(499500);
    expect(space.countFor(0)).toBe(9000);
    const last = space.atFor(1, 499499);
    expect(new Set(last.inputs.map((o) => o.id)).size).toBe(3);
  });

  it('keeps weighted positions in the order chosen: every ordered pair once, canonical only for equal weights', () => {
    const pool = new ObjectPool();
    pool.add(obj('base', 0));
    // Digests in reverse of the id order, so that a digest sort would visibly reorder.
    for (let i = 0; i < 4; i++) pool.add({ ...obj('models', i), digest: `d-${9 - i}` });
    pool.add({ ...obj('w', 0, 'json'), value: [0.7, 0.3] });
    pool.add({ ...obj('w', 1, 'json'), value: [0.5, 0.5] });
    const ties: ActionBinding = {
      name: 'ties',
      definition: def('ties', 4),
      kinds: ['base', 'models', 'models', 'w'],
      slotNames: ['base', 'models', 'models', 'weights'],
      unordered: [],
      weighted: [{ positions: [1, 2], paramsAt: 3 }],
      params: {},
      produces: 'models',
      runner: 'r',
      runnerParams: {},
    };
    const space = new ActionSpace(pool, [ties], () => '1');
    expect(space.countFor(0)).toBe(4 * 3 * 2);
    const seen = new Set<string>();
    for (let i = 0; i < space.countFor(0); i++) {
      const a = space.atFor(0, i);
      const [m1, m2, w] = [a.inputs[1]!, a.inputs[2]!, a.inputs[3]!];
      expect(m1.id).not.toBe(m2.id);
      if (w.id === 'w/0') {
        // Unequal weights: both orders exist, each as asked, with its own key, and indexOf inverts atFor.
        expect(space.indexOf(0, a.inputs)).toBe(i);
        seen.add(a.key);
        expect(space.make(0, [a.inputs[0]!, m2, m1, w]).inputs[1]!.id).toBe(m2.id);
      } else {
        // Equal weights: canonical (digest) order, so A+B and B+A are one action.
        expect(m1.digest < m2.digest).toBe(true);
      }
    }
    expect(seen.size).toBe(12);
    const [a, b] = [pool.get('models/0')!, pool.get('models/1')!];
    expect(() => space.make(0, [pool.get('base/0')!, a, a, pool.get('w/0')!])).toThrow(/distinct/);
    expect(space.make(0, [pool.get('base/0')!, a, b, pool.get('w/1')!]).key).toBe(space.make(0, [pool.get('base/0')!, b, a, pool.get('w/1')!]).key);
  });

  it('grows with the pool', () => {
    const { pool, space } = world(2, 1);
    const before = space.count();
    pool.add(obj('models', 2));
    expect(space.count()).toBeGreaterThan(before);
  });
});
