import type { GenerationBackend } from '@lamdagent/core';
import { z } from 'zod';
import { BackendError } from '../errors.js';
import { lastModelCache } from './model-cache.js';
import { loadOnnxModel, type OnnxModel } from './onnx-model.js';

export const OnnxBackendOptionsSchema = z
  .object({
    /** Prompts decoded together (one forward pass per new token for the whole batch). */
    batchSize: z.number().int().min(1).default(32),
    /** The ONNX file inside the model folder; default `model.onnx`, else `onnx/model.onnx` (Optimum's layout). */
    file: z.string().min(1).optional(),
    /** onnxruntime threads inside one operator. */
    intraOpNumThreads: z.number().int().min(1).default(1),
    /** onnxruntime execution providers, in order of preference (onnxruntime-node ships `cpu`). */
    executionProviders: z.array(z.string().min(1)).min(1).default(['cpu']),
  })
  .strict();
export type OnnxBackendOptions = z.input<typeof OnnxBackendOptionsSchema>;

interface Row {
  ids: number[];
  out: number[];
  text: string;
  done: boolean;
}

/** Index of the largest value in `v[from, from + n)`, relative to `from`; ties go to the lowest index. */
function argmax(v: Float32Array, from: number, n: number): number {
  let best = 0;
  let bestValue = -Infinity;
  for (let j = 0; j < n; j++) {
    const x = v[from + j] as number;
    if (x > bestValue) {
      bestValue = x;
      best = j;
    }
  }
  return best;
}

/** Next-token logits [B, V] at each row's last position, for left-padded rows. */
async function lastLogits(m: OnnxModel, seqs: readonly number[][]): Promise<{ data: Float32Array; V: number }> {
  const B = seqs.length;
  const L = Math.max(...seqs.map((s) => s.length));
  const ids = new BigInt64Array(B * L).fill(BigInt(m.config.padId));
  const mask = new BigInt64Array(B * L);
  const positions = new BigInt64Array(B * L);
  seqs.forEach((s, b) => {
    const pad = L - s.length;
    s.forEach((t, j) => {
      ids[b * L + pad + j] = BigInt(t);
      mask[b * L + pad + j] = 1n;
      positions[b * L + pad + j] = BigInt(j);
    });
  });
  const { Tensor } = m.ort;
  const feeds: Record<string, InstanceType<typeof Tensor>> = { input_ids: new Tensor('int64', ids, [B, L]) };
  if (m.feedsMask) feeds['attention_mask'] = new Tensor('int64', mask, [B, L]);
  if (m.feedsPositions) feeds['position_ids'] = new Tensor('int64', positions, [B, L]);
  let out: Awaited<ReturnType<typeof m.session.run>>;
  try {
    out = await m.session.run(feeds, ['logits']);
  } catch (err) {
    throw new BackendError('onnx', `${m.file}: onnxruntime failed on a [${B}, ${L}] batch: ${(err as Error).message}`, { cause: err });
  }
  const logits = out['logits'];
  if (!logits || logits.type !== 'float32' || logits.dims.length !== 3 || logits.dims[0] !== B || logits.dims[1] !== L) {
    throw new BackendError('onnx', `${m.file}: logits should be float32 [${B}, ${L}, vocab], got ${logits?.type} [${logits?.dims.join(', ')}]`);
  }
  const V = logits.dims[2] as number;
  const all = logits.data as Float32Array;
  const data = new Float32Array(B * V);
  for (let b = 0; b < B; b++) data.set(all.subarray((b * L + L - 1) * V, (b * L + L) * V), b * V);
  return { data, V };
}

/** Cut `text` at the earliest stop sequence; undefined when none occurs. */
function cutAtFirstStop(text: string, stops: readonly string[]): string | undefined {
  let at = -1;
  for (const s of stops) {
    const i = s.length > 0 ? text.indexOf(s) : -1;
    if (i >= 0 && (at < 0 || i < at)) at = i;
  }
  return at < 0 ? undefined : text.slice(0, at);
}

/** Greedy decoding of one batch; finished rows leave the batch. Returns the texts in row order. */
async function generateBatch(m: OnnxModel, prompts: number[][], maxNew: number, stops: readonly string[], signal: AbortSignal | undefined): Promise<string[]> {
  const rows: Row[] = prompts.map((ids) => ({ ids: [...ids], out: [], text: '', done: false }));
  for (let step = 0; step < maxNew; step++) {
    const active = rows.filter((r) => !r.done);
    if (active.length === 0) break;
    if (signal?.aborted) throw signal.reason;
    const { data, V } = await lastLogits(
      m,
      active.map((r) => r.ids),
    );
    const grew: Row[] = [];
    active.forEach((r, b) => {
      const t = argmax(data, b * V, V);
      if (m.config.eosIds.has(t)) {
        r.done = true;
        return;
      }
      r.ids.push(t);
      r.out.push(t);
      grew.push(r);
    });
    if (grew.length === 0) continue;
    const texts = await m.tokenizer.decodeBatch(
      grew.map((r) => r.out),
      true,
    );
    grew.forEach((r, i) => {
      r.text = texts[i] ?? '';
      const cut = cutAtFirstStop(r.text, stops);
      if (cut !== undefined) {
        r.text = cut;
        r.done = true;
      }
    });
  }
  return rows.map((r) => r.text);
}

/**
 * Generation with an ONNX export of the model (onnxruntime-node, CPU by default): greedy decoding of
 * left-padded batches that stops at EOS or a newline (and any other stop sequence given), recomputing
 * the whole sequence at each step (no KV cache). The tokenizer is the folder's tokenizer.json, run by
 * Hugging Face `tokenizers`. The last loaded model is kept, keyed by its path.
 */
export function createOnnxBackend(options: OnnxBackendOptions): GenerationBackend {
  const parsed = OnnxBackendOptionsSchema.safeParse(options ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BackendError('onnx', `options.${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  const opts = parsed.data;
  const cache = lastModelCache<OnnxModel>(
    async (dir) => {
      try {
        return await loadOnnxModel(dir, { file: opts.file, intraOpNumThreads: opts.intraOpNumThreads, executionProviders: opts.executionProviders });
      } catch (err) {
        if (BackendError.isInstance(err)) throw err;
        throw new BackendError('onnx', `cannot load the model at ${dir}: ${(err as Error).message}`, { cause: err });
      }
    },
    (m) => m.session.release(),
  );

  return {
    name: 'onnx',
    async generate(modelPath, prompts, { maxNewTokens, stop, signal }) {
      if (signal?.aborted) throw signal.reason;
      return cache.use(modelPath, async (m) => {
        const stops = [...new Set(['\n', ...(stop ?? [])])];
        const limit = m.config.nPositions;
        const maxNew = Math.min(Math.max(0, Math.floor(maxNewTokens)), limit === undefined ? Infinity : limit - 1);
        if (maxNew === 0 || prompts.length === 0) return prompts.map(() => '');
        // As tinylm does: prompts too long for the context keep their last tokens.
        const keep = limit === undefined ? Infinity : limit - maxNew + 1;
        const encoded = (await m.tokenizer.encodeBatch(prompts)).map((e) => {
          const ids = e.getIds();
          return ids.length > keep ? ids.slice(ids.length - keep) : ids;
        });
        if (encoded.some((e) => e.length === 0))
          throw new BackendError('onnx', `${m.dir}: tokenizer.json encodes a prompt to no tokens (no BOS is added); cannot generate from an empty context`);
        // Batches of similar lengths, so little padding is computed.
        const order = encoded.map((_, i) => i).sort((a, b) => (encoded[a] as number[]).length - (encoded[b] as number[]).length || a - b);
        const out = new Array<string>(prompts.length).fill('');
        // A graph without attention_mask cannot ignore padding: decode its prompts one at a time.
        const batchSize = m.feedsMask ? opts.batchSize : 1;
        for (let i = 0; i < order.length; i += batchSize) {
          const indices = order.slice(i, i + batchSize);
          const texts = await generateBatch(
            m,
            indices.map((k) => encoded[k] as number[]),
            maxNew,
            stops,
            signal,
          );
          indices.forEach((k, j) => (out[k] = texts[j] as string));
        }
        return out;
      });
    },
  };
}
