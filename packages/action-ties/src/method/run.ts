import { MergeOptionsError } from '../errors.js';
import { type MergeMethodDef } from './define.js';
import { getMergeMethod } from './define.js';
import { precisionOf, type WorkDtype } from './precision.js';
import { deriveSeed } from '@lamdagent/core/kit';
import { checkSettingNames, evaluateParams, type ParamSetting } from './settings.js';

export interface MergeTensorOptions {
  /** Method name (or alias) or definition. */
  method: string | MergeMethodDef;
  base?: Float32Array | null;
  models: readonly Float32Array[];
  /** Global parameters (mergekit names). */
  params?: Record<string, ParamSetting>;
  /** Per-model parameters, one record per model. */
  modelParams?: readonly Record<string, ParamSetting>[];
  /** Shape (default: 1-D). */
  shape?: readonly number[];
  /** Working precision (default F32). */
  dtype?: WorkDtype;
  /** Tensor name: filters match it (default "tensor"). */
  name?: string;
  /** Depth in [0, 1] for gradients (default 0). */
  t?: number;
  seed?: number;
}

/** Merges one tensor with any registered method without touching the inputs; returns a new array. */
export function mergeTensor(o: MergeTensorOptions): Float32Array {
  const def = typeof o.method === 'string' ? getMergeMethod(o.method) : o.method;
  const n = o.base?.length ?? o.models[0]?.length ?? 0;
  for (const [i, m] of o.models.entries()) if (m.length !== n) throw new MergeOptionsError(`model ${i} has ${m.length} entries, expected ${n}`);
  if (def.base === 'required' && !o.base) throw new MergeOptionsError(`${def.name} needs a base`);
  if (o.models.length < def.models.min || (def.models.max !== undefined && o.models.length > def.models.max)) {
    throw new MergeOptionsError(
      `${def.name} takes ${def.models.min}${def.models.max === undefined ? ' or more' : def.models.max === def.models.min ? '' : `-${def.models.max}`} model(s), got ${o.models.length}`,
    );
  }
  const settings = { params: o.params ?? {}, modelParams: o.modelParams ?? o.models.map(() => ({})) };
  if (settings.modelParams.length !== o.models.length) {
    throw new MergeOptionsError(`${settings.modelParams.length} parameter record(s) for ${o.models.length} model(s)`);
  }
  checkSettingNames(def, settings);
  const name = o.name ?? 'tensor';
  const { params, modelParams } = evaluateParams(def, settings, name, o.t ?? 0);
  const precision = precisionOf(o.dtype ?? 'F32');
  const round = (a: Float32Array | null | undefined): Float32Array | null => (a ? precision.round(Float32Array.from(a)) : null);
  const out = new Float32Array(n);
  def.merge({
    name,
    shape: o.shape ?? [n],
    base: def.base === 'none' ? null : round(o.base),
    models: o.models.map((m) => round(m) as Float32Array),
    out,
    params,
    modelParams,
    precision,
    seed: deriveSeed(o.seed ?? 0, name),
  });
  return out;
}
