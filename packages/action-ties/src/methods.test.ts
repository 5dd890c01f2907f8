import { describe, expect, it } from 'vitest';
import { MergeOptionsError } from './errors.js';
import { linearMerge, mergeTensors, taskArithmeticMerge, tiesMerge } from './methods.js';

const f32 = (xs: number[]): Float32Array => Float32Array.from(xs);
const close = (actual: Float32Array, expected: number[]): void => {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => expect(actual[i]).toBeCloseTo(e, 5));
};

describe('tiesMerge', () => {
  const zeros = f32([0, 0, 0, 0]);

  it('elects the sign of the weighted sum and averages the agreeing entries', () => {
    // Deltas A = [1, -2, 3, 1], B = [-3, 1, 3, -1].
    // Sums: -2 (-), -1 (-), 6 (+), 0 (+: a zero sum elects +).
    const out = tiesMerge(zeros, [f32([1, -2, 3, 1]), f32([-3, 1, 3, -1])], { weights: [1, 1] });
    expect(Array.from(out)).toEqual([-3, -2, 3, 1]);
  });

  it('sums the agreeing entries without dividing when normalize is false', () => {
    const out = tiesMerge(zeros, [f32([1, -2, 3, 1]), f32([-3, 1, 3, -1])], { weights: [1, 1], normalize: false });
    expect(Array.from(out)).toEqual([-3, -2, 6, 1]);
  });

  it('normalizes by the weights of the agreeing entries only', () => {
    // Base 1; deltas A = 2, B = 4, C = -1 with weights 0.5, 0.25, 1 -> weighted 1, 1, -1.
    // Sum 1 elects +; A and B agree: (1 + 1) / (0.5 + 0.25) = 8/3.
    const base = f32([1]);
    const models = [f32([3]), f32([5]), f32([0])];
    close(tiesMerge(base, models, { weights: [0.5, 0.25, 1] }), [1 + 8 / 3]);
    // Weights 0.25, 0.125, 2 -> weighted 0.5, 0.5, -2: sum -1 elects -; C alone: -2 / 2.
    close(tiesMerge(base, models, { weights: [0.25, 0.125, 2] }), [1 - 1]);
  });

  it('scales the merged task vector by lambda after normalizing', () => {
    const base = f32([1]);
    const models = [f32([3]), f32([5]), f32([0])];
    close(tiesMerge(base, models, { weights: [0.5, 0.25, 1], lambda: 0.5 }), [1 + 4 / 3]);
    close(tiesMerge(base, models, { weights: [0.5, 0.25, 1], lambda: 2, normalize: false }), [1 + 4]);
  });

  it('trims each task vector before electing signs; trimmed entries do not count in the divisor', () => {
    // Base [1, 1, 1, 1]. A's delta [4, -1, 0.5, 2] keeps [4, 0, 0, 2];
    // B's delta [-1, -2, 3, -0.25] keeps [0, -2, 3, 0].
    const base = f32([1, 1, 1, 1]);
    const a = f32([5, 0, 1.5, 3]);
    const b = f32([0, -1, 4, 0.75]);
    const out = tiesMerge(base, [a, b], { weights: [1, 1], density: 0.5 });
    // Entry 0: only A (4) -> 4/1; entry 1: only B (-2); entry 2: only B (3); entry 3: only A (2).
    expect(Array.from(out)).toEqual([5, -1, 4, 3]);
    // Without trimming: entry 0 sum 3 (+) -> A alone 4; entry 1 both -: (-1 - 2)/2;
    // entry 2 both +: 3.5/2; entry 3 sum 1.75 (+) -> A alone 2.
    close(tiesMerge(base, [a, b], { weights: [1, 1] }), [5, 1 - 1.5, 1 + 1.75, 3]);
  });

  it('breaks magnitude ties at the threshold by position', () => {
    // A's delta [2, 2, -2, 1] at density 0.5 keeps [2, 2, 0, 0].
    const out = tiesMerge(f32([0, 0, 0, 0]), [f32([2, 2, -2, 1]), f32([0, 0, 0, 0])], { weights: [1, 1], density: 0.5 });
    expect(Array.from(out)).toEqual([2, 2, 0, 0]);
  });

  it('leaves the base where every task vector is zero (divisor 0 becomes 1)', () => {
    const base = f32([0.5, -7]);
    expect(Array.from(tiesMerge(base, [f32([0.5, -7]), f32([0.5, -7])], { weights: [1, 1] }))).toEqual([0.5, -7]);
  });

  it('ignores a model with weight 0 (its weighted sign is 0)', () => {
    const out = tiesMerge(f32([0]), [f32([4]), f32([-8])], { weights: [1, 0] });
    expect(Array.from(out)).toEqual([4]);
  });

  it('equals task arithmetic at density 1 when all signs agree and normalize is off', () => {
    const base = f32([1, 2, 3]);
    const models = [f32([2, 3, 4]), f32([1.5, 2.5, 3.25])];
    close(tiesMerge(base, models, { weights: [0.5, 1], normalize: false }), Array.from(taskArithmeticMerge(base, models, { weights: [0.5, 1] })));
  });

  it('does not modify its inputs', () => {
    const base = f32([1, 1]);
    const a = f32([3, -2]);
    tiesMerge(base, [a, f32([0, 5])], { weights: [1, 1], density: 0.5 });
    expect(Array.from(a)).toEqual([3, -2]);
    expect(Array.from(base)).toEqual([1, 1]);
  });

  it('rejects density outside (0, 1] and a weights count that does not match', () => {
    const args = [f32([0]), [f32([1]), f32([2])]] as const;
    for (const density of [0, -0.5, 1.5, Number.NaN]) {
      expect(() => tiesMerge(...args, { weights: [1, 1], density })).toThrow(MergeOptionsError);
    }
    expect(() => tiesMerge(...args, { weights: [1, 1], density: 0 })).toThrow(/density must be in \(0, 1\], got 0/);
    expect(() => tiesMerge(...args, { weights: [1] })).toThrow(/1 weight\(s\) for 2 model\(s\)/);
    expect(() => tiesMerge(...args, { weights: [1, Number.POSITIVE_INFINITY] })).toThrow(MergeOptionsError);
    expect(() => tiesMerge(f32([0, 0]), [f32([1]), f32([2])], { weights: [1, 1] })).toThrow(/model 0 has 1 entries, expected 2/);
  });
});

describe('taskArithmeticMerge', () => {
  it('adds lambda times the weighted task vectors', () => {
    const base = f32([1, 1]);
    const models = [f32([3, 0]), f32([2, 2])]; // deltas [2, -1], [1, 1]
    close(taskArithmeticMerge(base, models, { weights: [0.5, 1] }), [1 + 1 + 1, 1 - 0.5 + 1]);
    close(taskArithmeticMerge(base, models, { weights: [0.5, 1], lambda: 2 }), [1 + 4, 1 + 1]);
    close(taskArithmeticMerge(base, models, { weights: [0.5, 1], normalize: true }), [1 + 2 / 1.5, 1 + 0.5 / 1.5]);
    // Weights summing to 0 with normalize: divisor 1, as mergekit.
    close(taskArithmeticMerge(base, models, { weights: [1, -1], normalize: true }), [1 + 1, 1 - 2]);
  });
});

describe('linearMerge', () => {
  it('is the weighted average (or weighted sum)', () => {
    const models = [f32([1, 4]), f32([3, 0])];
    close(linearMerge(models, { weights: [1, 3] }), [2.5, 1]);
    close(linearMerge(models, { weights: [1, 3], normalize: false }), [10, 4]);
    expect(() => linearMerge(models, { weights: [1, -1] })).toThrow(/weights sum to 0/);
  });
});

describe('mergeTensors against a literal port of mergekit', () => {
  it('matches on random data with disagreeing signs and ties', () => {
    let seed = 7;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const n = 999;
    const base = f32(Array.from({ length: n }, () => rand() - 0.5));
    const models = [0, 1, 2].map(() => f32(Array.from(base, (b) => b + Math.round((rand() - 0.5) * 40) / 64)));
    const weights = [0.5, 0.3, 0.2];
    for (const density of [0.2, 0.5, 1]) {
      for (const normalize of [true, false]) {
        const got = mergeTensors({ method: 'ties', weights, density, normalize, lambda: 0.9 }, base, models);
        const want = mergekitTies(base, models, weights, density, normalize, 0.9);
        got.forEach((g, j) => expect(g).toBeCloseTo(want[j]!, 6));
      }
    }
  });
});

/** GTATask.execute with sparsify.magnitude and get_mask("sum"), step by step, with plain arrays. */
function mergekitTies(base: Float32Array, models: Float32Array[], weights: number[], density: number, normalize: boolean, lambda: number): number[] {
  const n = base.length;
  const deltas = models.map((m) => {
    const d = Array.from(m, (x, j) => Math.fround(x - base[j]!));
    if (density >= 1) return d;
    const k = Math.floor(density * n);
    const order = Array.from(d.keys()).sort((a, b) => Math.abs(d[b]!) - Math.abs(d[a]!) || a - b);
    const mask = new Array<number>(n).fill(0);
    for (const i of order.slice(0, k)) mask[i] = 1;
    return d.map((x, j) => x * mask[j]!);
  });
  const w = weights.map(Math.fround);
  const weighted = deltas.map((d, i) => d.map((x) => Math.fround(x * w[i]!)));
  return Array.from(base, (b, j) => {
    const signWeight = weighted.reduce((s, d) => s + d[j]!, 0);
    const majority = signWeight >= 0 ? 1 : -1;
    let mixed = 0;
    let divisor = 0;
    weighted.forEach((d, i) => {
      if (Math.sign(d[j]!) === majority) {
        mixed += d[j]!;
        divisor += w[i]!;
      }
    });
    if (divisor === 0) divisor = 1;
    if (normalize) mixed /= divisor;
    return b + mixed * lambda;
  });
}
