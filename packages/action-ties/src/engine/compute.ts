import { decodeToFloat32, encodeFromFloat32, type Dtype } from '@lamdagent/safetensors';
import { getMergeMethod, type ParamValue } from '../method/index.js';
import { precisionOf, type WorkDtype } from '../method/precision.js';
import { blockedGta } from '../method/gta.js';
import { deriveSeed } from '@lamdagent/core/kit';
import { mergeBf16Blocked } from './blocked.js';
import { mergeBf16Wasm, WASM_MAX_MODELS } from './blocked-wasm.js';

/** One input tensor's raw bytes, as stored. */
export interface RawTensor {
  bytes: Uint8Array;
  dtype: Dtype;
  shape: number[];
}

/** Everything needed to merge one tensor, with no file access: what a worker thread receives. */
export interface ComputeJob {
  method: string;
  name: string;
  shape: number[];
  work: WorkDtype;
  dtype: Dtype;
  base: RawTensor | null;
  models: RawTensor[];
  params: Record<string, ParamValue>;
  modelParams: Record<string, ParamValue>[];
  seed: number;
}

/**
 * Scratch float32 arrays reused from tensor to tensor (a worker merges one tensor at a time): fresh
 * multi-megabyte buffers per tensor would keep the garbage collector busy.
 */
const scratch: Float32Array[] = [];
function scratchArray(slot: number, n: number): Float32Array {
  let a = scratch[slot];
  if (!a || a.length < n) {
    a = new Float32Array(Math.max(n, Math.ceil((a?.length ?? 0) * 1.25)));
    scratch[slot] = a;
  }
  return a.subarray(0, n);
}

/** Decodes into scratch `slot` in the working precision, cutting a larger matrix to the output's rows. */
function load(t: RawTensor, shape: readonly number[], work: WorkDtype, name: string, slot: number): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = scratchArray(slot, n);
  if (t.dtype === 'BF16' && t.bytes.byteOffset % 2 === 0) {
    const src = new Uint16Array(t.bytes.buffer, t.bytes.byteOffset, n);
    const bits = new Uint32Array(out.buffer, out.byteOffset, n);
    for (let i = 0; i < n; i++) bits[i] = (src[i] as number) << 16;
  } else {
    const values = decodeToFloat32(t.bytes, t.dtype, name);
    out.set(values.length === n ? values : values.subarray(0, n)); // a larger vocabulary: the first rows
  }
  const exact = t.dtype === work || (work === 'F32' && (t.dtype === 'BF16' || t.dtype === 'F16'));
  return exact ? out : precisionOf(work).round(out);
}

/** True when the blocked bf16 kernel applies: TIES / task arithmetic, all bf16, same shapes, no rescale. */
function blockedPlan(job: ComputeJob): { consensus: boolean; trim: boolean } | undefined {
  const kind = blockedGta(job.method);
  if (!kind || !job.base || job.work !== 'BF16' || job.dtype !== 'BF16' || job.params.rescale === true) return undefined;
  const n = job.shape.reduce((a, b) => a * b, 1);
  const ok = (t: RawTensor): boolean => t.dtype === 'BF16' && t.bytes.byteLength === 2 * n && t.bytes.byteOffset % 2 === 0;
  return ok(job.base) && job.models.every(ok) ? kind : undefined;
}

/** Merges one tensor and returns its encoded bytes. */
export function computeTensor(job: ComputeJob): Uint8Array {
  const blocked = blockedPlan(job);
  if (blocked) {
    // the WebAssembly kernel gives the same bits as the JavaScript one (blocked-wasm.test.ts), faster
    const wasm = job.models.length <= WASM_MAX_MODELS && process.env.LAMDAGENT_MERGE_KERNEL !== 'js';
    return (wasm ? mergeBf16Wasm : mergeBf16Blocked)(job, blocked.consensus, blocked.trim);
  }
  const def = getMergeMethod(job.method);
  const base = job.base ? load(job.base, job.shape, job.work, job.name, 0) : null;
  const models = job.models.map((m, i) => load(m, job.shape, job.work, job.name, i + 1));
  const out = base ?? (models[0] as Float32Array);
  def.merge({
    name: job.name,
    shape: job.shape,
    base,
    models,
    out,
    params: job.params,
    modelParams: job.modelParams,
    precision: precisionOf(job.work),
    seed: deriveSeed(job.seed, job.name),
  });
  const bytes = encodeFromFloat32(out, job.dtype, job.name);
  // F32 output is a view of the scratch array, which the next tensor overwrites: hand out a copy
  return bytes.buffer === out.buffer ? bytes.slice() : bytes;
}
