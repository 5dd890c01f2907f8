import { decodeToFloat32, encodeFromFloat32, type Dtype } from '@lamdagent/safetensors';
import { getMergeMethod, type ParamValue } from '../method/index.js';
import { precisionOf, type WorkDtype } from '../method/precision.js';
import { deriveSeed } from '../method/rng.js';

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

/** Decodes to float32 in the working precision, cutting a larger matrix to the output's rows. */
function load(t: RawTensor, shape: readonly number[], work: WorkDtype, name: string): Float32Array {
  let values = decodeToFloat32(t.bytes, t.dtype, name);
  if (t.dtype === 'F32') values = values.slice(); // a view of the input bytes: copy before writing into it
  const n = shape.reduce((a, b) => a * b, 1);
  if (values.length !== n) values = values.slice(0, n); // a larger vocabulary: the first rows (same row length)
  const exact = t.dtype === work || (work === 'F32' && (t.dtype === 'BF16' || t.dtype === 'F16'));
  return exact ? values : precisionOf(work).round(values);
}

/** Merges one tensor and returns its encoded bytes. */
export function computeTensor(job: ComputeJob): Uint8Array {
  const def = getMergeMethod(job.method);
  const base = job.base ? load(job.base, job.shape, job.work, job.name) : null;
  const models = job.models.map((m) => load(m, job.shape, job.work, job.name));
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
  return encodeFromFloat32(out, job.dtype, job.name);
}
