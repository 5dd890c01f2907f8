import type { Checkpoint } from '@lamdagent/safetensors';
import { blockedGta } from '../method/gta.js';
import { selectionsFrom, trimmedModels, WASM_MAX_MODELS } from './blocked-wasm.js';
import type { PlannedTensor, SourceRef } from './plan.js';
import type { ComputePool } from './pool.js';
import type { FileSpan } from './range.js';

/** Tensors with at least this many elements are split across the worker threads. */
export const SPLIT_MIN_ELEMENTS = 1 << 22;

/**
 * True when a planned tensor can be split into ranges merged on several threads: the bf16 TIES /
 * task-arithmetic kernel applies (WebAssembly, every source bf16 with the output's shape, no rescale)
 * and it is large enough to be worth it.
 */
export function splittable(t: PlannedTensor, method: string, pool: ComputePool): boolean {
  if (!pool.parallel || t.kind !== 'merge' || !t.base || process.env.LAMDAGENT_MERGE_KERNEL === 'js') return false;
  const kind = blockedGta(method);
  const n = t.shape.reduce((a, b) => a * b, 1);
  if (!kind || n < SPLIT_MIN_ELEMENTS || t.work !== 'BF16' || t.dtype !== 'BF16' || t.params.rescale === true) return false;
  if (t.models.length > WASM_MAX_MODELS) return false;
  const sameShape = (r: SourceRef): boolean => r.dtype === 'BF16' && r.shape.length === t.shape.length && r.shape.every((d, i) => d === t.shape[i]);
  return sameShape(t.base) && t.models.every(sameShape);
}

/**
 * Merges one large tensor on every worker: the elements are cut into one contiguous range per worker;
 * each worker reads its range of every input from the files straight into its kernel's memory (range.ts),
 * turns the models' ranges into task vectors and returns their magnitude histograms (when trimming),
 * keeping the range; the thresholds are chosen from the summed histograms, each range's quota of
 * threshold-equal entries follows from the counts of the ranges before it (entries at the threshold are
 * kept in index order, as on one thread), and each worker then merges its range in place. Returns the
 * ranges' outputs in order (written as chunks of the tensor), or with `out` (where the tensor's bytes go
 * in the output file) has each worker write its range there and returns nothing; the same bits as the
 * whole tensor on one thread. The bytes the workers read are added to `pool.bytesRead`.
 */
export async function mergeSplit(
  t: PlannedTensor,
  method: string,
  open: ReadonlyMap<string, Checkpoint>,
  pool: ComputePool,
  out?: FileSpan,
): Promise<Uint8Array[]> {
  const kind = blockedGta(method) as { consensus: boolean; trim: boolean };
  const n = t.shape.reduce((a, b) => a * b, 1);
  const parts = pool.threads;
  const bounds = Array.from({ length: parts + 1 }, (_, r) => Math.floor((n * r) / parts / 8) * 8);
  bounds[parts] = n;
  const refs = [t.base as SourceRef, ...t.models];
  const where = refs.map((ref) => (open.get(ref.path) as Checkpoint).locate(ref.name));
  const spans = (r: number): FileSpan[] =>
    where.map((w) => ({ path: w.path, offset: w.offset + 2 * (bounds[r] as number), length: 2 * ((bounds[r + 1] as number) - (bounds[r] as number)) }));
  const key = (r: number): string => `${t.name}#${r}`;
  const trimmed = trimmedModels(n, t.modelParams, kind.trim);
  const replies = await Promise.all(
    Array.from({ length: parts }, (_, r) => pool.runOn(r, { op: 'hist', key: key(r), sources: spans(r), models: trimmed }, [])),
  );
  pool.bytesRead += 2 * n * refs.length;
  const hists = trimmed.some(Boolean) ? replies.map((reply) => reply.hists as Uint32Array[]) : [];
  const whole = selectionsFrom(n, t.modelParams, kind.trim, hists);
  const settings = { params: t.params, modelParams: t.modelParams };
  const outputs = await Promise.all(
    Array.from({ length: parts }, (_, r) => {
      // quotas: what the ranges before this one use up of each threshold-equal count
      const selections = whole.map((s, i) => {
        if (!s.active) return s;
        let used = 0;
        for (let q = 0; q < r; q++) used += (hists[q]?.[i] as Uint32Array)[s.threshold >>> 16] as number;
        return { ...s, remaining: Math.max(0, s.remaining - used) };
      });
      const range = out && { path: out.path, offset: out.offset + 2 * (bounds[r] as number), length: 2 * ((bounds[r + 1] as number) - (bounds[r] as number)) };
      return pool.runOn(r, { op: 'mix', key: key(r), settings, consensus: kind.consensus, selections, ...(range ? { out: range } : {}) }, []);
    }),
  );
  return out ? [] : outputs.map((reply) => reply.bytes as Uint8Array);
}
