import { MergeOptionsError } from '../errors.js';
import { defineMergeMethod, type MergeMethodDef, type ParamDef, type SlotLayoutEntry } from './define.js';
import { combine, subtractRound } from './combine.js';
import { deriveSeed } from '@lamdagent/core/kit';
import { MagnitudeSelector } from '../trim.js';
import { sparsifyInPlace, type SparsifyMethod } from './sparsify.js';

/**
 * mergekit's generalized task arithmetic (merge_methods/generalized_task_arithmetic.py), with its
 * precision steps in the working dtype `q`:
 *   δ_i = q(θ_i − θ_base); δ_i = sparsify(δ_i, density_i, ...); w_i = q(weight_i); d_i = q(w_i·δ_i)
 *   with sign consensus ("sum"): s = Σ_i d_i (float32, in order); e = +1 where s ≥ 0 else −1;
 *     m_i = [sign(d_i) = e]; mixed = q(Σ_i d_i·m_i); divisor = q(Σ_i w_i·m_i), 0 → 1
 *   without: mixed = q(Σ_i d_i); divisor = q(Σ_i w_i), |divisor| < 1e-8 → 1
 *   normalize: mixed = q(mixed / divisor); λ ≠ 1: mixed = q(mixed·λ); θ = q(θ_base + mixed)
 * Sums accumulate in float32 in model order (torch's sum over a stacked bf16/f32 tensor).
 */

const unit = (what: string) => (v: number) => (v >= 0 && v <= 1 ? undefined : `${what} must be in [0, 1], got ${v}`);

const GLOBAL = (normalize: boolean, rescale: boolean): Record<string, ParamDef> => ({
  normalize: { kind: 'boolean', default: normalize, description: 'divide the mixed task vector by the sum of the (agreeing) weights' },
  rescale: { kind: 'boolean', default: rescale, description: 'rescale each sparsified task vector to its original L1 norm' },
  lambda: { kind: 'number', default: 1, description: 'scale of the mixed task vector' },
  int8_mask: { kind: 'boolean', default: false, description: 'store the consensus mask as int8 (memory only: results are identical)' },
});

interface GtaOptions {
  name: string;
  description: string;
  consensus: boolean;
  sparsify: SparsifyMethod | null;
  normalize: boolean;
  rescale: boolean;
  slots?: SlotLayoutEntry[];
  aliases?: string[];
}

function defineGta(o: GtaOptions): MergeMethodDef {
  const modelParams: Record<string, ParamDef> = {
    weight: { kind: 'number', required: true, description: "weight of the model's task vector" },
    density: {
      kind: 'number',
      default: 1,
      description: 'fraction of the task vector kept',
      check: (v) => (v > 0 && v <= 1 ? undefined : `density must be in (0, 1], got ${v}`),
    },
  };
  if (o.sparsify === 'magnitude_outliers')
    modelParams.gamma = { kind: 'number', default: 0.01, description: 'fraction of the largest-magnitude entries removed', check: unit('gamma') };
  if (o.sparsify === 'della_magprune')
    modelParams.epsilon = { kind: 'number', default: 0.15, description: 'keep probabilities span density ± epsilon by magnitude rank', check: unit('epsilon') };
  return defineMergeMethod({
    name: o.name,
    ...(o.aliases ? { aliases: o.aliases } : {}),
    description: o.description,
    base: 'required',
    models: { min: 1 },
    params: GLOBAL(o.normalize, o.rescale),
    modelParams,
    ...(o.slots ? { slots: o.slots } : {}),
    wholeTensor: o.sparsify !== null,
    checkParams: o.sparsify === 'della_magprune' ? checkDella : undefined,
    merge(args) {
      const { base, models, precision: p } = args;
      if (!base) throw new MergeOptionsError(`${o.name} needs a base model`);
      const q = p.round;
      const weights = args.modelParams.map((mp) => p.scalar(mp.weight as number));
      models.forEach((m, i) => {
        subtractRound(m, base, p);
        const mp = args.modelParams[i] ?? {};
        const w = weights[i] as number;
        const rescale = args.params.rescale === true;
        if (o.sparsify === 'magnitude' && !rescale) {
          // TIES trim and weighting fused: radix select, then keep-and-scale in one pass
          const selector = new MagnitudeSelector(m.length, mp.density as number);
          selector.observeHigh(m);
          selector.finishHigh();
          selector.observeLow(m);
          selector.finishLow();
          q(selector.apply(m, w));
          return;
        }
        if (o.sparsify) {
          sparsifyInPlace(m, o.sparsify, {
            density: mp.density as number,
            gamma: mp.gamma as number | undefined,
            epsilon: mp.epsilon as number | undefined,
            rescale,
            precision: p,
            seed: deriveSeed(args.seed, i),
            shape: args.shape,
          });
        }
        for (let j = 0; j < m.length; j++) m[j] = (m[j] as number) * w;
        q(m);
      });
      combine(args, o.consensus, weights);
    },
  });
}

function checkDella(_params: Readonly<Record<string, unknown>>, modelParams: readonly Readonly<Record<string, unknown>>[]): string | undefined {
  for (const [i, mp] of modelParams.entries()) {
    const d = mp.density as number;
    const e = mp.epsilon as number;
    if (d < 1 && d > 0 && (d + e >= 1 || d - e <= 0)) return `model ${i}: epsilon ${e} must keep density ± epsilon in (0, 1) (density ${d})`;
  }
  return undefined;
}

/** The paper's TIES slots: base_model, models, weights, density (one density for every model). */
const TIES_SLOTS: SlotLayoutEntry[] = [
  { kind: 'base' },
  { kind: 'models' },
  { kind: 'modelParam', param: 'weight', slot: 'weights', shape: 'array' },
  { kind: 'modelParam', param: 'density', slot: 'density', shape: 'scalar' },
];

export const taskArithmetic = defineGta({
  name: 'task_arithmetic',
  description: 'Add the weighted task vectors (model minus base) of the models to their base',
  consensus: false,
  sparsify: null,
  normalize: false,
  rescale: false,
});
export const ties = defineGta({
  name: 'ties',
  aliases: ['ties_merging'],
  description:
    "TIES: keep the largest-magnitude fraction (density) of each task vector, elect each parameter's sign by the weighted sum, average the agreeing weighted changes into the base",
  consensus: true,
  sparsify: 'magnitude',
  normalize: true,
  rescale: false,
  slots: TIES_SLOTS,
});
export const dareTies = defineGta({
  name: 'dare_ties',
  description: 'DARE + TIES: drop task-vector entries at random (keep density), rescale, elect signs, add the agreeing changes',
  consensus: true,
  sparsify: 'random',
  normalize: false,
  rescale: true,
  slots: TIES_SLOTS,
});
export const dareLinear = defineGta({
  name: 'dare_linear',
  description: 'DARE: drop task-vector entries at random (keep density), rescale, add the weighted task vectors',
  consensus: false,
  sparsify: 'random',
  normalize: false,
  rescale: true,
  slots: TIES_SLOTS,
});
export const breadcrumbs = defineGta({
  name: 'breadcrumbs',
  description: 'Model Breadcrumbs: drop the largest (gamma) and smallest task-vector entries, add the weighted rest',
  consensus: false,
  sparsify: 'magnitude_outliers',
  normalize: false,
  rescale: false,
  slots: TIES_SLOTS,
});
export const breadcrumbsTies = defineGta({
  name: 'breadcrumbs_ties',
  description: 'Model Breadcrumbs with TIES sign consensus',
  consensus: true,
  sparsify: 'magnitude_outliers',
  normalize: false,
  rescale: false,
  slots: TIES_SLOTS,
});
export const della = defineGta({
  name: 'della',
  description: 'DELLA: drop task-vector entries with a probability that falls with magnitude rank, rescale, elect signs, average the agreeing changes',
  consensus: true,
  sparsify: 'della_magprune',
  normalize: true,
  rescale: true,
  slots: TIES_SLOTS,
});
export const dellaLinear = defineGta({
  name: 'della_linear',
  description: 'DELLA without sign consensus: magnitude-ranked random drop, rescale, add the weighted task vectors',
  consensus: false,
  sparsify: 'della_magprune',
  normalize: false,
  rescale: true,
  slots: TIES_SLOTS,
});

/**
 * Methods whose per-tensor work can be streamed in blocks by the engine (bit-identical to the whole
 * tensor): the trim statistics are gathered block by block with `MagnitudeSelector`, then trim,
 * weighting and consensus run block by block in index order.
 */
export function blockedGta(method: string): { consensus: boolean; trim: boolean } | undefined {
  if (method === 'ties' || method === 'ties_merging') return { consensus: true, trim: true };
  if (method === 'task_arithmetic') return { consensus: false, trim: false };
  return undefined;
}
