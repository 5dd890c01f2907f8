import { z } from 'zod';
import { MergeOptionsError } from '../errors.js';
import { checkParamValue, type MergeMethodDef, type ParamValue } from './define.js';

/**
 * A parameter setting as mergekit writes it: a scalar, a gradient over layer depth (a list of
 * numbers, interpolated at t = layer / (layers - 1)), or a list of `{filter, value}` conditions whose
 * first match (the filter is a substring of the tensor name; none or "*" matches all) gives the value.
 */
export type ParamSetting = number | boolean | number[] | { filter?: string | undefined; value: number | boolean | number[] }[];

const Scalar = z.union([z.number(), z.boolean()]);
const Gradient = z.array(z.number()).min(1);
const Conditional = z.object({ filter: z.string().optional(), value: z.union([Scalar, Gradient]) }).strict();
export const ParamSettingSchema: z.ZodType<ParamSetting> = z.union([Scalar, Gradient, z.array(Conditional).min(1)]);

/** mergekit's evaluate_setting: the value of a setting for tensor `name` at depth `t` in [0, 1]. */
export function evaluateSetting(name: string, setting: ParamSetting, t: number): ParamValue | undefined {
  if (typeof setting === 'number' || typeof setting === 'boolean') return setting;
  if (setting.length === 0) return undefined;
  if (typeof setting[0] === 'number') {
    const g = setting as number[];
    const scaled = t * (g.length - 1);
    const i0 = Math.floor(scaled);
    const i1 = Math.min(g.length - 1, i0 + 1);
    const frac = scaled - i0;
    return (1 - frac) * (g[i0] as number) + frac * (g[i1] as number);
  }
  for (const cond of setting as { filter?: string | undefined; value: number | boolean | number[] }[]) {
    if (cond.filter === undefined || cond.filter === '*' || name.includes(cond.filter)) return evaluateSetting(name, cond.value, t);
  }
  return undefined;
}

/** Settings of one merge: global ones and one record per model (slices add their own layers). */
export interface MergeSettings {
  params: Readonly<Record<string, ParamSetting>>;
  modelParams: readonly Readonly<Record<string, ParamSetting>>[];
}

/** Refuses parameter names the method does not know, naming the known ones; `where` prefixes messages. */
export function checkSettingNames(def: MergeMethodDef, s: MergeSettings, where = ''): void {
  const known = Object.keys(def.params);
  const knownModel = Object.keys(def.modelParams);
  for (const name of Object.keys(s.params)) {
    if (!(name in def.params)) {
      const hint = name in def.modelParams ? ` (${name} is a per-model parameter: give it under models[i].parameters, or here for every model)` : '';
      if (!hint)
        throw new MergeOptionsError(
          `${where}unknown parameter ${JSON.stringify(name)} for ${def.name}; known: ${[...known, ...knownModel].join(', ') || 'none'}${hint}`,
        );
    }
  }
  s.modelParams.forEach((mp, i) => {
    for (const name of Object.keys(mp)) {
      if (!(name in def.modelParams)) {
        throw new MergeOptionsError(
          `${where}models[${i}]: unknown parameter ${JSON.stringify(name)} for ${def.name}; known per-model: ${knownModel.join(', ') || 'none'}`,
        );
      }
    }
  });
}

/**
 * The evaluated parameters for one tensor, defaults filled, every value checked. A per-model
 * parameter may also be given globally (mergekit looks it up at every level). Throws
 * MergeOptionsError naming the tensor and parameter.
 */
export function evaluateParams(
  def: MergeMethodDef,
  s: MergeSettings,
  tensor: string,
  t: number,
): { params: Record<string, ParamValue>; modelParams: Record<string, ParamValue>[] } {
  const params: Record<string, ParamValue> = {};
  const value = (name: string, ...levels: (Readonly<Record<string, ParamSetting>> | undefined)[]): ParamValue | undefined => {
    for (const level of levels) {
      const setting = level?.[name];
      if (setting === undefined) continue;
      const v = evaluateSetting(tensor, setting, t);
      if (v !== undefined) return v;
    }
    return undefined;
  };
  for (const [name, p] of Object.entries(def.params)) {
    const v = value(name, s.params) ?? p.default;
    if (v === undefined) throw new MergeOptionsError(`missing required parameter ${name} for ${def.name} (tensor ${tensor})`);
    const problem = checkParamValue(p, v);
    if (problem) throw new MergeOptionsError(`parameter ${name} ${problem} (tensor ${tensor})`);
    params[name] = v;
  }
  const modelParams = s.modelParams.map((mp, i) => {
    const out: Record<string, ParamValue> = {};
    for (const [name, p] of Object.entries(def.modelParams)) {
      const v = value(name, mp, s.params) ?? p.default;
      if (v === undefined) throw new MergeOptionsError(`models[${i}]: missing required parameter ${name} for ${def.name} (tensor ${tensor})`);
      const problem = checkParamValue(p, v);
      if (problem) throw new MergeOptionsError(`models[${i}]: parameter ${name} ${problem} (tensor ${tensor})`);
      out[name] = v;
    }
    return out;
  });
  const problem = def.checkParams?.(params, modelParams);
  if (problem) throw new MergeOptionsError(`${def.name}: ${problem} (tensor ${tensor})`);
  return { params, modelParams };
}
