import type { Checkpoint, Dtype } from '@lamdagent/safetensors';
import { MergeOptionsError, TensorMismatchError } from '../errors.js';
import { getMergeMethod, type MergeMethodDef, type ParamValue } from '../method/index.js';
import type { WorkDtype } from '../method/precision.js';
import { checkSettingNames, evaluateParams, type MergeSettings } from '../method/settings.js';
import { isEmbedding, isLmHead, isInputEmbedding, isPreLayer, layerCount, layerOf } from './names.js';
import type { MergeRequest, OutputSlice, Settings } from './request.js';

/** Float dtypes that are merged; integer and bool tensors are copied from the template. */
export const MERGED_DTYPES: ReadonlySet<Dtype> = new Set<Dtype>(['F32', 'F16', 'BF16', 'F64']);
const COPIED_DTYPES: ReadonlySet<Dtype> = new Set<Dtype>(['BOOL', 'U8', 'I8', 'I16', 'U16', 'I32', 'U32', 'I64', 'U64']);

/** Where one input tensor comes from: a checkpoint (by path) and a tensor name, maybe cut to the output's shape. */
export interface SourceRef {
  path: string;
  name: string;
  dtype: Dtype;
  /** The stored shape (differs from the output's when a larger vocabulary is cut). */
  shape: number[];
}

export interface PlannedTensor {
  /** Output name. */
  name: string;
  shape: number[];
  /** Dtype written. */
  dtype: Dtype;
  byteLength: number;
  kind: 'merge' | 'copy';
  /** Working precision of the merge. */
  work: WorkDtype;
  base: SourceRef | null;
  models: SourceRef[];
  params: Record<string, ParamValue>;
  modelParams: Record<string, ParamValue>[];
}

export interface MergePlan {
  method: MergeMethodDef;
  tensors: PlannedTensor[];
  /** The checkpoint whose config, tokenizer and shard layout the output follows. */
  template: string;
  /** Number of layers written, when it differs from the template's (slices). */
  layers: number | undefined;
  /** Things worth telling the user (tied embeddings used, rows cut, tensors ignored). */
  notes: string[];
  /** Every path read. */
  paths: string[];
}

const DTYPE_BYTES: Partial<Record<Dtype, number>> = { F64: 8, F32: 4, F16: 2, BF16: 2 };

function workOf(request: MergeRequest, stored: Dtype): WorkDtype {
  if (request.dtype) return request.dtype;
  return stored === 'BF16' ? 'BF16' : stored === 'F16' ? 'F16' : 'F32';
}

/** A tensor of `ckpt` for output name `name`: the same name, or a tied input embedding for a missing LM head. */
function findSource(ckpt: Checkpoint, path: string, name: string, notes: string[]): string | undefined {
  if (ckpt.has(name)) return name;
  if (isLmHead(name)) {
    const tied = ckpt.names().find(isInputEmbedding);
    if (tied) {
      notes.push(`${path}: no ${name} (tied embeddings): ${tied} used in its place`);
      return tied;
    }
  }
  return undefined;
}

interface Group {
  base: string | undefined;
  models: { path: string; params: Settings }[];
  params: Settings;
}

/**
 * Plans a merge from opened checkpoints: every output tensor with its sources, evaluated parameters,
 * working and output dtypes; fails (MergeOptionsError / TensorMismatchError, naming file, tensor and
 * sizes) before anything is read beyond the headers.
 */
export function planMerge(request: MergeRequest, open: ReadonlyMap<string, Checkpoint>): MergePlan {
  const def = getMergeMethod(request.method);
  const notes: string[] = [];
  const ckpt = (path: string): Checkpoint => {
    const c = open.get(path);
    if (!c) throw new MergeOptionsError(`internal: ${path} was not opened`);
    return c;
  };
  if (request.models && request.slices) throw new MergeOptionsError('give either models or slices, not both');
  if (!request.models?.length && !request.slices?.length) throw new MergeOptionsError('give models (or slices) to merge');
  const global = request.params ?? {};

  const groupOf = (sources: { path: string; params?: Settings | undefined }[], base: string | undefined, params: Settings, where: string): Group => {
    const usesBase = def.base !== 'none';
    if (def.base === 'required' && !base) throw new MergeOptionsError(`${where}${def.name} needs a base_model`);
    const models = sources.filter((s) => !(usesBase && s.path === base)).map((s) => ({ path: s.path, params: s.params ?? {} }));
    if (models.length < def.models.min || (def.models.max !== undefined && models.length > def.models.max)) {
      const want =
        def.models.max === undefined
          ? `at least ${def.models.min}`
          : def.models.max === def.models.min
            ? `exactly ${def.models.min}`
            : `${def.models.min} to ${def.models.max}`;
      throw new MergeOptionsError(`${where}${def.name} takes ${want} model(s) besides the base, got ${models.length}`);
    }
    const settings: MergeSettings = { params: { ...global, ...params }, modelParams: models.map((m) => m.params) };
    checkSettingNames(def, settings, where);
    return { base: usesBase ? base : undefined, models, params: settings.params };
  };

  const template = request.base ?? request.models?.[0]?.path ?? (request.slices?.[0]?.sources[0]?.path as string);
  const tpl = ckpt(template);
  const tensors: PlannedTensor[] = [];
  let layers: number | undefined;

  const plan = (outName: string, shape: number[], storedDtype: Dtype, group: Group, inName: (path: string) => string, t: number): void => {
    const refOf = (path: string): SourceRef => {
      const c = ckpt(path);
      const wanted = inName(path);
      const found = findSource(c, path, wanted, notes);
      if (!found) throw new TensorMismatchError(path, wanted, `missing (needed for output tensor ${outName})`);
      const info = c.info(found);
      if (!MERGED_DTYPES.has(info.dtype)) throw new TensorMismatchError(path, found, `dtype ${info.dtype} cannot be merged with ${storedDtype} of ${template}`);
      const same = info.shape.length === shape.length && info.shape.every((d, i) => d === shape[i]);
      if (!same) {
        const embed = isEmbedding(outName) && shape.length === 2 && info.shape.length === 2 && info.shape[1] === shape[1];
        if (embed && (info.shape[0] as number) >= (shape[0] as number)) {
          notes.push(`${path}: ${found} has ${info.shape[0]} rows (vocabulary), ${template} has ${shape[0]}: the first ${shape[0]} rows are merged`);
        } else if (embed) {
          throw new TensorMismatchError(
            path,
            found,
            `vocabulary size ${info.shape[0]} (shape [${info.shape.join(', ')}]) is smaller than ${shape[0]} of ${template} (shape [${shape.join(', ')}]): give the larger-vocabulary model as base_model, or resize the embeddings`,
          );
        } else {
          throw new TensorMismatchError(path, found, `shape [${info.shape.join(', ')}] differs from [${shape.join(', ')}] of ${template}`);
        }
      }
      return { path, name: found, dtype: info.dtype, shape: [...info.shape] };
    };
    const n = shape.reduce((a, b) => a * b, 1);
    if (COPIED_DTYPES.has(storedDtype)) {
      const src = group.base ?? (group.models[0]?.path as string);
      const c = ckpt(src);
      const name = inName(src);
      if (!c.has(name)) throw new TensorMismatchError(src, name, 'missing');
      const info = c.info(name);
      tensors.push({
        name: outName,
        shape,
        dtype: info.dtype,
        byteLength: info.byteLength,
        kind: 'copy',
        work: 'F32',
        base: { path: src, name, dtype: info.dtype, shape: [...info.shape] },
        models: [],
        params: {},
        modelParams: [],
      });
      return;
    }
    if (!MERGED_DTYPES.has(storedDtype))
      throw new TensorMismatchError(template, outName, `cannot merge ${storedDtype} tensors (merged: F32, F16, BF16, F64; copied: integer and BOOL)`);
    const base = group.base ? refOf(group.base) : null;
    const models = group.models.map((m) => refOf(m.path));
    const work = workOf(request, base?.dtype ?? (models[0] as SourceRef).dtype);
    const dtype = request.outDtype ?? (request.dtype ? request.dtype : storedDtype);
    const { params, modelParams } = evaluateParams(def, { params: group.params, modelParams: group.models.map((m) => m.params) }, outName, t);
    tensors.push({ name: outName, shape, dtype, byteLength: n * (DTYPE_BYTES[dtype] as number), kind: 'merge', work, base, models, params, modelParams });
  };

  if (request.models) {
    for (const [i, m] of request.models.entries()) if (!m.path) throw new MergeOptionsError(`models[${i}]: no model path`);
    const group = groupOf(request.models, request.base, {}, '');
    const used = new Set([...(group.base ? [group.base] : []), ...group.models.map((m) => m.path)]);
    for (const path of used) {
      for (const name of ckpt(path).names()) {
        if (!tpl.has(name) && !(isInputEmbedding(name) && tpl.names().some(isLmHead))) notes.push(`${path}: ${name} is not in ${template}: ignored`);
      }
    }
    const count = layerCount(tpl.names());
    for (const name of tpl.names()) {
      const info = tpl.info(name);
      const layer = layerOf(name);
      const t = layer ? (count > 1 ? layer.index / (count - 1) : 1) : 0;
      plan(name, [...info.shape], info.dtype, group, () => name, t);
    }
  } else {
    const slices = request.slices as OutputSlice[];
    let next = 0;
    const groups = slices.map((s, i) => groupOf(s.sources, s.base ?? request.base, s.params ?? {}, `slices[${i}]: `));
    const pathsOf = (s: OutputSlice, g: Group): string[] => [...(g.base ? [g.base] : []), ...g.models.map((m) => m.path)];
    // tensors before the layers: from the first slice's models; after: from the last slice's
    const first = slices[0] as OutputSlice;
    const last = slices[slices.length - 1] as OutputSlice;
    const nonLayer = tpl.names().filter((n) => !layerOf(n));
    const planNonLayer = (names: string[], s: OutputSlice, g: Group): void => {
      for (const name of names) {
        const info = tpl.info(name);
        if (!pathsOf(s, g).every((p) => ckpt(p).has(name) || findSource(ckpt(p), p, name, []))) {
          const missing = pathsOf(s, g).find((p) => !findSource(ckpt(p), p, name, []));
          throw new TensorMismatchError(missing as string, name, 'missing');
        }
        plan(name, [...info.shape], info.dtype, g, () => name, 0);
      }
    };
    planNonLayer(nonLayer.filter(isPreLayer), first, groups[0] as Group);
    for (const [si, s] of slices.entries()) {
      const g = groups[si] as Group;
      const lengths = s.sources.map((src) => src.layerRange[1] - src.layerRange[0]);
      const len = lengths[0] as number;
      if (lengths.some((l) => l !== len) || len <= 0)
        throw new MergeOptionsError(`slices[${si}]: every source needs the same positive number of layers, got ${lengths.join(', ')}`);
      for (const [k, src] of s.sources.entries()) {
        const count = layerCount(ckpt(src.path).names());
        if (src.layerRange[0] < 0 || src.layerRange[1] > count)
          throw new MergeOptionsError(`slices[${si}].sources[${k}]: layer_range [${src.layerRange.join(', ')}] is outside the ${count} layers of ${src.path}`);
      }
      const lead = s.sources[0] as (typeof s.sources)[number];
      for (let off = 0; off < len; off++) {
        const t = len > 1 ? off / (len - 1) : 1;
        const leadLayer = lead.layerRange[0] + off;
        const names = ckpt(lead.path)
          .names()
          .filter((n) => layerOf(n)?.index === leadLayer);
        for (const name of names) {
          const l = layerOf(name) as NonNullable<ReturnType<typeof layerOf>>;
          const info = ckpt(lead.path).info(name);
          const rangeOf = (path: string): number => (s.sources.find((x) => x.path === path)?.layerRange[0] ?? lead.layerRange[0]) + off;
          plan(`${l.prefix}${next}${l.suffix}`, [...info.shape], info.dtype, g, (path) => `${l.prefix}${rangeOf(path)}${l.suffix}`, t);
        }
        next++;
      }
    }
    planNonLayer(
      nonLayer.filter((n) => !isPreLayer(n)),
      last,
      groups[groups.length - 1] as Group,
    );
    layers = next;
  }
  const paths = [...new Set([template, ...tensors.flatMap((t) => [...(t.base ? [t.base.path] : []), ...t.models.map((m) => m.path)])])];
  return { method: def, tensors, template, layers, notes: [...new Set(notes)], paths };
}
