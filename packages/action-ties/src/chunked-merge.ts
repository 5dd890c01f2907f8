import { decodeToFloat32, encodeFromFloat32, type Checkpoint, type Dtype, type SafetensorsWriter } from '@lamdagent/safetensors';
import { mergeTensorsInPlace, subtractInPlace, type MergeSpec } from './methods.js';
import { MagnitudeSelector } from './trim.js';

/** Default largest tensor merged whole, in elements (64 MB as float32); larger ones are streamed. */
export const DEFAULT_CHUNK_ELEMENTS = 1 << 24;

export interface ChunkedTensor {
  name: string;
  /** Output dtype (the base's). */
  dtype: Dtype;
  /** Element count. */
  n: number;
}

/** Elements [start, end) of a float tensor, as float32. */
async function readRange(ckpt: Checkpoint, t: ChunkedTensor, start: number, end: number): Promise<Float32Array> {
  const info = ckpt.info(t.name);
  const size = info.byteLength / t.n;
  return decodeToFloat32(await ckpt.readByteRange(t.name, start * size, end * size), info.dtype, t.name);
}

/**
 * Merges one tensor too large to hold whole, `chunkElements` at a time, and streams it to `writer`.
 * Every step is elementwise except TIES trimming: for it, two first passes over the task vectors feed
 * one `MagnitudeSelector` per model (so each input is read three times); the result is identical to a
 * whole-tensor merge.
 */
export async function mergeTensorChunked(
  spec: MergeSpec,
  t: ChunkedTensor,
  base: Checkpoint | undefined,
  models: readonly Checkpoint[],
  writer: SafetensorsWriter,
  chunkElements: number,
  signal?: AbortSignal,
): Promise<void> {
  const ranges: [number, number][] = [];
  for (let start = 0; start < t.n; start += chunkElements) ranges.push([start, Math.min(t.n, start + chunkElements)]);
  const read = (start: number, end: number): Promise<[Float32Array | null, ...Float32Array[]]> =>
    Promise.all([base ? readRange(base, t, start, end) : null, ...models.map((m) => readRange(m, t, start, end))]);

  let selectors: MagnitudeSelector[] | undefined;
  if (spec.method === 'ties' && base) {
    const density = spec.density;
    const all = models.map(() => new MagnitudeSelector(t.n, density));
    if (!all[0]?.keepsAll) {
      for (const pass of ['high', 'low'] as const) {
        for (const [start, end] of ranges) {
          signal?.throwIfAborted();
          const [b, ...ms] = await read(start, end);
          ms.forEach((m, i) => {
            const delta = subtractInPlace(m, b as Float32Array);
            const selector = all[i] as MagnitudeSelector;
            if (pass === 'high') selector.observeHigh(delta);
            else selector.observeLow(delta);
          });
        }
        for (const s of all) {
          if (pass === 'high') s.finishHigh();
          else s.finishLow();
        }
      }
    }
    // Always the selectors for TIES: trimming a chunk on its own would select within the chunk.
    selectors = all;
  }

  async function* chunks(): AsyncGenerator<Uint8Array> {
    for (const [start, end] of ranges) {
      signal?.throwIfAborted();
      const [b, ...ms] = await read(start, end);
      const out = b ?? (ms[0] as Float32Array);
      mergeTensorsInPlace(spec, b, ms, out, selectors);
      yield encodeFromFloat32(out, t.dtype, t.name);
    }
  }
  await writer.writeChunks(t.name, chunks());
}
