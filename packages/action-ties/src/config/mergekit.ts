import { isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { Dtype } from '@lamdagent/safetensors';
import { MergeOptionsError } from '../errors.js';
import { getMergeMethod } from '../method/index.js';
import type { WorkDtype } from '../method/precision.js';
import { ParamSettingSchema } from '../method/settings.js';
import type { MergeRequest, Settings } from '../engine/request.js';

/**
 * mergekit's YAML merge configuration (mergekit/config.py: MergeConfiguration), the parts that apply
 * to local safetensors checkpoints: `merge_method`, `base_model`, `models` or `slices`, `parameters`
 * (scalars, gradients over depth, filtered conditions), `dtype`, `out_dtype`, `tokenizer_source`
 * (`base` or a model). Refused with a reason: `modules`, `tokenizer:` and `tokenizer_source: union`
 * (tokenizer merging), LoRA references (`model+lora`).
 */
const Params = z.record(z.string(), ParamSettingSchema);
const ModelRef = z.string().min(1);
const ModelEntry = z.object({ model: ModelRef, parameters: Params.optional() }).strict();
const SliceSource = z.object({ model: ModelRef, layer_range: z.tuple([z.number().int(), z.number().int()]), parameters: Params.optional() }).strict();
const Slice = z
  .object({ sources: z.array(SliceSource).min(1), base_model: ModelRef.optional(), residual_weight: z.number().optional(), parameters: Params.optional() })
  .strict();
const DtypeName = z.enum(['float32', 'fp32', 'bfloat16', 'bf16', 'float16', 'fp16', 'half', 'float']);

export const MergekitConfigSchema = z
  .object({
    merge_method: z.string(),
    base_model: ModelRef.optional(),
    models: z.array(ModelEntry).min(1).optional(),
    slices: z.array(Slice).min(1).optional(),
    modules: z.unknown().optional(),
    parameters: Params.optional(),
    dtype: DtypeName.optional(),
    out_dtype: DtypeName.optional(),
    tokenizer_source: z.string().optional(),
    tokenizer: z.unknown().optional(),
    chat_template: z.string().optional(),
    name: z.string().optional(),
  })
  .strict();
export type MergekitConfig = z.infer<typeof MergekitConfigSchema>;

function dtypeOf(name: string | undefined): WorkDtype | undefined {
  if (name === undefined) return undefined;
  if (name === 'bfloat16' || name === 'bf16') return 'BF16';
  if (name === 'float16' || name === 'fp16' || name === 'half') return 'F16';
  return 'F32';
}

function issuesText(error: z.ZodError): string {
  return error.issues
    .map((i) => {
      const where =
        i.path
          .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
          .join('')
          .replace(/^\./, '') || '(top level)';
      const keys = i.code === 'unrecognized_keys' ? ` (known: ${Object.keys(MergekitConfigSchema.shape).join(', ')})` : '';
      return `${where}: ${i.message}${where === '(top level)' ? keys : ''}`;
    })
    .join('; ');
}

/** Parses and validates mergekit YAML text (or an already parsed object); `file` names the source in errors. */
export function parseMergekitConfig(input: string | unknown, file = 'config'): MergekitConfig {
  let raw: unknown = input;
  if (typeof input === 'string') {
    try {
      raw = parseYaml(input);
    } catch (error) {
      throw new MergeOptionsError(`${file}: not valid YAML: ${(error as Error).message}`);
    }
  }
  const parsed = MergekitConfigSchema.safeParse(raw);
  if (!parsed.success) throw new MergeOptionsError(`${file}: ${issuesText(parsed.error)}`);
  const c = parsed.data;
  if (c.modules !== undefined) throw new MergeOptionsError(`${file}: modules: not supported (multi-module models); use models or slices`);
  if (c.tokenizer !== undefined) throw new MergeOptionsError(`${file}: tokenizer: not supported (tokenizer merging); use tokenizer_source: base or a model`);
  if (c.tokenizer_source === 'union') throw new MergeOptionsError(`${file}: tokenizer_source: union is not supported (tokenizer merging); use base or a model`);
  if (!c.models === !c.slices) throw new MergeOptionsError(`${file}: give exactly one of models and slices`);
  // method and parameter names, with the config's own paths in the message
  let def;
  try {
    def = getMergeMethod(c.merge_method);
  } catch (error) {
    throw new MergeOptionsError(`${file}: merge_method: ${(error as Error).message}`);
  }
  const known = [...Object.keys(def.params), ...Object.keys(def.modelParams)];
  const checkNames = (params: Settings | undefined, where: string, perModel: boolean): void => {
    for (const name of Object.keys(params ?? {})) {
      const ok = perModel ? name in def.modelParams : known.includes(name);
      if (!ok) {
        const list = perModel ? Object.keys(def.modelParams) : known;
        throw new MergeOptionsError(
          `${file}: ${where}.${name}: unknown parameter for ${def.name}; known${perModel ? ' per-model' : ''}: ${list.join(', ') || 'none'}`,
        );
      }
    }
  };
  checkNames(c.parameters, 'parameters', false);
  c.models?.forEach((m, i) => checkNames(m.parameters, `models[${i}].parameters`, true));
  c.slices?.forEach((s, i) => {
    checkNames(s.parameters, `slices[${i}].parameters`, false);
    s.sources.forEach((src, k) => checkNames(src.parameters, `slices[${i}].sources[${k}].parameters`, true));
    if (s.residual_weight !== undefined) throw new MergeOptionsError(`${file}: slices[${i}].residual_weight: not supported`);
  });
  for (const ref of refsOf(c)) if (ref.includes('+')) throw new MergeOptionsError(`${file}: model ${ref}: LoRA references (model+lora) are not supported`);
  return c;
}

/** Every model reference of a config, in order of first appearance (base first). */
export function refsOf(c: MergekitConfig): string[] {
  const refs = [
    ...(c.base_model ? [c.base_model] : []),
    ...(c.models ?? []).map((m) => m.model),
    ...(c.slices ?? []).flatMap((s) => [...(s.base_model ? [s.base_model] : []), ...s.sources.map((x) => x.model)]),
  ];
  return [...new Set(refs)];
}

/** A MergeRequest from a config; `resolveRef` turns a model reference into a local path. */
export function configToRequest(c: MergekitConfig, resolveRef: (ref: string) => string, seed?: number): MergeRequest {
  const base = c.base_model ? resolveRef(c.base_model) : undefined;
  const tokenizer = c.tokenizer_source === undefined || c.tokenizer_source === 'base' ? undefined : resolveRef(c.tokenizer_source);
  const dtype = dtypeOf(c.dtype);
  const outDtype = dtypeOf(c.out_dtype) as Dtype | undefined;
  return {
    method: c.merge_method,
    ...(base ? { base } : {}),
    ...(c.models ? { models: c.models.map((m) => ({ path: resolveRef(m.model), ...(m.parameters ? { params: m.parameters } : {}) })) } : {}),
    ...(c.slices
      ? {
          slices: c.slices.map((s) => ({
            sources: s.sources.map((x) => ({ path: resolveRef(x.model), layerRange: x.layer_range, ...(x.parameters ? { params: x.parameters } : {}) })),
            ...(s.base_model ? { base: resolveRef(s.base_model) } : {}),
            ...(s.parameters ? { params: s.parameters } : {}),
          })),
        }
      : {}),
    ...(c.parameters ? { params: c.parameters } : {}),
    ...(dtype ? { dtype } : {}),
    ...(outDtype ? { outDtype } : {}),
    ...(tokenizer ? { tokenizerSource: tokenizer } : {}),
    ...(seed !== undefined ? { seed } : {}),
  };
}

/** Model references as local paths: absolute, or relative to `cwd` (as mergekit resolves them). */
export function pathResolver(cwd: string): (ref: string) => string {
  return (ref) => (isAbsolute(ref) ? ref : resolve(cwd, ref));
}
