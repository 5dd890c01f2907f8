import { describe, expect, it } from 'vitest';
import { MergeOptionsError } from '../errors.js';
import { defineMergeMethod, evaluateSetting, getMergeMethod, mergeMethodNames, mergeTensor } from './index.js';

const f32 = (xs: number[]): Float32Array => Float32Array.from(xs);
const arr = (a: Float32Array): number[] => Array.from(a);
const close = (a: Float32Array, b: number[], digits = 5): void => {
  expect(a.length).toBe(b.length);
  a.forEach((x, i) => expect(x).toBeCloseTo(b[i] as number, digits));
};

describe('method registry', () => {
  it('has every mergekit method the issue names', () => {
    expect(mergeMethodNames()).toEqual(
      expect.arrayContaining([
        'linear',
        'task_arithmetic',
        'ties',
        'dare_ties',
        'dare_linear',
        'breadcrumbs',
        'breadcrumbs_ties',
        'della',
        'della_linear',
        'slerp',
        'nuslerp',
        'model_stock',
        'passthrough',
      ]),
    );
    expect(getMergeMethod('ties_merging').name).toBe('ties');
  });

  it('names the known methods for an unknown one', () => {
    expect(() => getMergeMethod('tie')).toThrow(/unknown merge_method "tie"; known: .*dare_ties.*ties/);
  });

  it('mergekit defaults: ties normalizes, dare rescales, task_arithmetic neither', () => {
    expect(getMergeMethod('ties').params.normalize?.default).toBe(true);
    expect(getMergeMethod('ties').params.rescale?.default).toBe(false);
    expect(getMergeMethod('dare_ties').params.normalize?.default).toBe(false);
    expect(getMergeMethod('dare_ties').params.rescale?.default).toBe(true);
    expect(getMergeMethod('della').params.normalize?.default).toBe(true);
    expect(getMergeMethod('task_arithmetic').params.normalize?.default).toBe(false);
    expect(getMergeMethod('breadcrumbs').modelParams.gamma?.default).toBe(0.01);
    expect(getMergeMethod('della').modelParams.epsilon?.default).toBe(0.15);
    expect(getMergeMethod('linear').params.normalize?.default).toBe(true);
    expect(getMergeMethod('ties').wholeTensor).toBe(true);
    expect(getMergeMethod('task_arithmetic').wholeTensor).toBe(false);
  });

  it('defineMergeMethod registers a third-party method that mergeTensor runs', () => {
    const maxAbs = defineMergeMethod({
      name: 'test_max_abs',
      description: 'entry of largest magnitude',
      base: 'none',
      models: { min: 2 },
      params: {},
      modelParams: {},
      wholeTensor: false,
      merge({ models, out }) {
        for (let j = 0; j < out.length; j++) {
          let best = 0;
          for (const m of models) if (Math.abs(m[j] as number) > Math.abs(best)) best = m[j] as number;
          out[j] = best;
        }
      },
    });
    expect(getMergeMethod('test_max_abs')).toBe(maxAbs);
    expect(arr(mergeTensor({ method: 'test_max_abs', models: [f32([1, -5]), f32([-2, 3])] }))).toEqual([-2, -5]);
    expect(() => defineMergeMethod({ ...maxAbs, merge: () => undefined })).toThrow(/already defined/);
  });
});

describe('parameters', () => {
  it('gradients interpolate over depth as mergekit evaluate_setting does', () => {
    expect(evaluateSetting('x', [0, 1], 0.5)).toBe(0.5);
    expect(evaluateSetting('x', [0, 0.5, 1], 0.25)).toBe(0.25);
    expect(evaluateSetting('x', [0, 0.5, 1], 1)).toBe(1);
    expect(evaluateSetting('x', [0.2, 0.4, 0.8], 0.75)).toBeCloseTo(0.6, 12);
  });
  it('filters pick the first condition whose filter is in the tensor name', () => {
    const s = [{ filter: 'self_attn', value: 0.2 }, { value: 0.8 }];
    expect(evaluateSetting('model.layers.0.self_attn.q_proj.weight', s, 0)).toBe(0.2);
    expect(evaluateSetting('model.layers.0.mlp.up_proj.weight', s, 0)).toBe(0.8);
    expect(evaluateSetting('a', [{ filter: 'mlp', value: [0, 1] }, { value: 3 }], 0.5)).toBe(3);
  });
  it('refuses an unknown parameter, naming the known ones', () => {
    expect(() => mergeTensor({ method: 'ties', base: f32([0]), models: [f32([1])], params: { lamda: 1 }, modelParams: [{ weight: 1 }] })).toThrow(
      /unknown parameter "lamda" for ties; known: normalize, rescale, lambda, int8_mask, weight, density/,
    );
    expect(() => mergeTensor({ method: 'linear', models: [f32([1])], modelParams: [{ weight: 1, density: 0.5 }] })).toThrow(
      /models\[0\]: unknown parameter "density" for linear; known per-model: weight/,
    );
  });
  it('requires weight, checks density range', () => {
    expect(() => mergeTensor({ method: 'ties', base: f32([0]), models: [f32([1])] })).toThrow(/models\[0\]: missing required parameter weight/);
    expect(() => mergeTensor({ method: 'ties', base: f32([0]), models: [f32([1])], modelParams: [{ weight: 1, density: 1.5 }] })).toThrow(MergeOptionsError);
  });
});

describe('hand-computed cases', () => {
  it('linear: weighted average, normalized by default', () => {
    const models = [f32([1, 2]), f32([3, 4])];
    expect(arr(mergeTensor({ method: 'linear', models, modelParams: [{ weight: 1 }, { weight: 3 }] }))).toEqual([2.5, 3.5]);
    expect(arr(mergeTensor({ method: 'linear', models, params: { normalize: false }, modelParams: [{ weight: 1 }, { weight: 3 }] }))).toEqual([10, 14]);
  });

  it('task_arithmetic: base + lambda * sum w_i (m_i - base)', () => {
    const base = f32([1, 1, 1]);
    const models = [f32([2, 0, 1]), f32([1, 3, 1])];
    const modelParams = [{ weight: 0.5 }, { weight: 1 }];
    close(mergeTensor({ method: 'task_arithmetic', base, models, modelParams }), [1.5, 2.5, 1]);
    close(mergeTensor({ method: 'task_arithmetic', base, models, modelParams, params: { lambda: 2 } }), [2, 4, 1]);
    close(mergeTensor({ method: 'task_arithmetic', base, models, modelParams, params: { normalize: true } }), [1 + 0.5 / 1.5, 2, 1]);
  });

  it('ties: trim to density, elect sign by weighted sum, average the agreeing', () => {
    const base = f32([0, 0, 0, 0]);
    const models = [f32([3, -1, 2, 0.5]), f32([-4, -2, 1, 4])];
    // trimmed: [3,0,2,0] and [-4,0,0,4]; sums [-1,0,2,4] elect - + + +
    expect(
      arr(
        mergeTensor({
          method: 'ties',
          base,
          models,
          modelParams: [
            { weight: 1, density: 0.5 },
            { weight: 1, density: 0.5 },
          ],
        }),
      ),
    ).toEqual([-4, 0, 2, 4]);
    // weights 2, 1: weighted [6,0,4,0], [-4,0,0,4]: all elect +; divided by the agreeing weights
    const mp = [
      { weight: 2, density: 0.5 },
      { weight: 1, density: 0.5 },
    ];
    expect(arr(mergeTensor({ method: 'ties', base, models, modelParams: mp }))).toEqual([3, 0, 2, 4]);
    expect(arr(mergeTensor({ method: 'ties', base, models, modelParams: mp, params: { normalize: false } }))).toEqual([6, 0, 4, 4]);
    // the paper's alias and the order of models matters with unequal weights
    const swapped = mergeTensor({ method: 'ties_merging', base, models: [models[1]!, models[0]!], modelParams: [mp[1]!, mp[0]!] });
    expect(arr(swapped)).toEqual([3, 0, 2, 4]);
  });

  it('breadcrumbs: drops the gamma largest and the smallest entries', () => {
    const base = new Float32Array(10);
    const m = f32([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(arr(mergeTensor({ method: 'breadcrumbs', base, models: [m], modelParams: [{ weight: 1, density: 0.5, gamma: 0.1 }] }))).toEqual([
      0, 0, 0, 0, 5, 6, 7, 8, 9, 0,
    ]);
    // density + gamma > 1: fewer outliers dropped (n_top += n_bot)
    expect(arr(mergeTensor({ method: 'breadcrumbs', base, models: [m], modelParams: [{ weight: 1, density: 0.95, gamma: 0.1 }] }))).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 0,
    ]);
    // breadcrumbs_ties: consensus without normalize
    const m2 = f32([-1, -2, -3, -4, -50, -6, -7, -8, -9, -10]);
    const out = mergeTensor({
      method: 'breadcrumbs_ties',
      base,
      models: [m, m2],
      modelParams: [
        { weight: 1, density: 0.5, gamma: 0.1 },
        { weight: 1, density: 0.5, gamma: 0.1 },
      ],
    });
    // m2 keeps -6..-10 (-50 is the dropped outlier): sums at 5..8 are 0, which elects +; at 9 only -10
    expect(arr(out)).toEqual([0, 0, 0, 0, 5, 6, 7, 8, 9, -10]);
  });

  it('dare_linear: a seeded random mask keeping about density, rescaled to the L1 norm', () => {
    const base = new Float32Array(1000);
    const m = new Float32Array(1000).fill(1);
    const run = (seed: number): Float32Array => mergeTensor({ method: 'dare_linear', base, models: [m], modelParams: [{ weight: 1, density: 0.5 }], seed });
    const a = run(1);
    const kept = a.filter((x) => x !== 0);
    expect(kept.length).toBeGreaterThan(420);
    expect(kept.length).toBeLessThan(580);
    for (const x of kept) expect(x).toBe(Math.fround(Math.fround(1000) / kept.length));
    expect(arr(run(1))).toEqual(arr(a));
    expect(arr(run(2))).not.toEqual(arr(a));
    // density 1: task arithmetic
    expect(arr(mergeTensor({ method: 'dare_ties', base, models: [m], modelParams: [{ weight: 1, density: 1 }] }))).toEqual(arr(m));
    // rescale false keeps the kept values as they are
    const plain = mergeTensor({ method: 'dare_linear', base, models: [m], params: { rescale: false }, modelParams: [{ weight: 1, density: 0.5 }], seed: 1 });
    expect(new Set(plain)).toEqual(new Set([0, 1]));
  });

  it('della: keep probability rises with magnitude rank; density ± epsilon checked', () => {
    const n = 2001;
    const base = new Float32Array(n);
    const m = Float32Array.from({ length: n }, (_, i) => (i % 2 ? -1 : 1) * (i + 1));
    const out = mergeTensor({
      method: 'della_linear',
      base,
      models: [m],
      params: { rescale: false },
      modelParams: [{ weight: 1, density: 0.5, epsilon: 0.4 }],
      seed: 3,
    });
    const keptLow = out.subarray(0, 400).filter((x) => x !== 0).length / 400;
    const keptHigh = out.subarray(n - 400).filter((x) => x !== 0).length / 400;
    expect(keptLow).toBeLessThan(0.3);
    expect(keptHigh).toBeGreaterThan(0.7);
    for (let i = 0; i < n; i++) if (out[i] !== 0) expect(out[i]).toBe(m[i]);
    expect(() => mergeTensor({ method: 'della', base, models: [m], modelParams: [{ weight: 1, density: 0.9, epsilon: 0.15 }] })).toThrow(
      /density ± epsilon in \(0, 1\)/,
    );
  });

  it('slerp: the arc between base (t=0) and the other model (t=1); lerp when colinear', () => {
    const a = f32([1, 0]);
    const b = f32([0, 1]);
    close(mergeTensor({ method: 'slerp', base: a, models: [b], params: { t: 0.5 } }), [Math.SQRT1_2, Math.SQRT1_2], 6);
    close(mergeTensor({ method: 'slerp', base: a, models: [b], params: { t: 0 } }), [1, 0], 6);
    close(mergeTensor({ method: 'slerp', base: a, models: [b], params: { t: 1 } }), [0, 1], 6);
    expect(arr(mergeTensor({ method: 'slerp', base: f32([1, 2]), models: [f32([2, 4])], params: { t: 0.25 } }))).toEqual([1.25, 2.5]);
    expect(() => mergeTensor({ method: 'slerp', base: a, models: [b] })).toThrow(/missing required parameter t/);
  });

  it('nuslerp: t = w2 / (w1 + w2); task vectors with a base; rows when not flattened', () => {
    const mp = [{ weight: 1 }, { weight: 1 }];
    close(mergeTensor({ method: 'nuslerp', models: [f32([1, 0]), f32([0, 1])], modelParams: mp }), [Math.SQRT1_2, Math.SQRT1_2], 6);
    close(mergeTensor({ method: 'nuslerp', base: f32([1, 1]), models: [f32([2, 1]), f32([1, 2])], modelParams: mp }), [1 + Math.SQRT1_2, 1 + Math.SQRT1_2], 6);
    const rows = mergeTensor({
      method: 'nuslerp',
      shape: [2, 2],
      models: [f32([1, 0, 1, 0]), f32([0, 1, 2, 0])],
      modelParams: mp,
      params: { nuslerp_flatten: false },
    });
    close(rows, [Math.SQRT1_2, Math.SQRT1_2, 1.5, 0], 6);
    // weights 3:1 -> t = 0.25 on colinear vectors: lerp
    close(mergeTensor({ method: 'nuslerp', models: [f32([1, 2]), f32([2, 4])], modelParams: [{ weight: 3 }, { weight: 1 }] }), [1.25, 2.5], 6);
  });

  it('model_stock: t = N cos / (1 + (N-1) cos) between the average and the base', () => {
    const base = f32([0, 0]);
    close(mergeTensor({ method: 'model_stock', base, models: [f32([1, 0]), f32([0, 1])] }), [0, 0], 6);
    close(mergeTensor({ method: 'model_stock', base, models: [f32([1, 0]), f32([1, 0])] }), [1, 0], 6);
    const c = Math.SQRT1_2;
    const t = (2 * c) / (1 + c);
    close(mergeTensor({ method: 'model_stock', base, models: [f32([1, 1]), f32([1, 0])] }), [t, t * 0.5], 6);
  });

  it('passthrough: copies, optionally scaled', () => {
    expect(arr(mergeTensor({ method: 'passthrough', models: [f32([1, -2])] }))).toEqual([1, -2]);
    expect(arr(mergeTensor({ method: 'passthrough', models: [f32([1, -2])], modelParams: [{ scale: 2 }] }))).toEqual([2, -4]);
    expect(() => mergeTensor({ method: 'passthrough', models: [f32([1]), f32([2])] })).toThrow(/takes 1 model/);
  });

  it('computes in the working dtype step by step as mergekit does (bf16)', () => {
    const base = f32([1]);
    const m = f32([1.0078125]); // 1 + 2^-7, a bf16 value
    const mp = [{ weight: 0.3 }];
    // f32: 1 + 0.0078125 * 0.3
    expect(mergeTensor({ method: 'task_arithmetic', base, models: [m], modelParams: mp })[0]).toBe(Math.fround(1 + Math.fround(0.0078125 * Math.fround(0.3))));
    // bf16: weight -> 0.30078125, product -> bf16, base + product rounds back to 1
    expect(mergeTensor({ method: 'task_arithmetic', base, models: [m], modelParams: mp, dtype: 'BF16' })[0]).toBe(1);
    expect(mergeTensor({ method: 'task_arithmetic', base, models: [f32([1.1])], modelParams: [{ weight: 1 }], dtype: 'BF16' })[0]).toBe(1.1015625);
  });
});
