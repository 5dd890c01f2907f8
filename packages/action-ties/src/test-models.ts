/** Test helpers: small generated Hugging Face model folders (not part of the public API). */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeFromFloat32, littleEndianBytes, writeSharded, type Dtype } from '@lamdagent/safetensors';

export interface TensorDef {
  name: string;
  dtype: Dtype;
  shape: number[];
}

/** A deterministic generator of floats in [-1, 1). */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  };
}

export const ARCH: TensorDef[] = [
  { name: 'model.embed_tokens.weight', dtype: 'F32', shape: [16, 8] },
  { name: 'model.layers.0.self_attn.q_proj.weight', dtype: 'F32', shape: [8, 8] },
  { name: 'model.layers.0.mlp.up_proj.weight', dtype: 'F32', shape: [12, 8] },
  { name: 'model.layers.0.input_layernorm.weight', dtype: 'F32', shape: [8] },
  { name: 'model.position_ids', dtype: 'I64', shape: [1, 6] },
  { name: 'model.norm.weight', dtype: 'F32', shape: [8] },
  { name: 'lm_head.weight', dtype: 'F32', shape: [16, 8] },
];

/** The same architecture with every float tensor in `dtype`. */
export function archIn(dtype: Dtype, arch: readonly TensorDef[] = ARCH): TensorDef[] {
  return arch.map((t) => (t.dtype === 'I64' ? t : { ...t, dtype }));
}

/**
 * Float values of each float tensor: uniform in [-1, 1) for a base; for a fine-tuned model (`base`
 * given) the base plus a small change, with every fourth entry unchanged (a zero task vector entry).
 */
export function floatValues(arch: readonly TensorDef[], seed: number, base?: Map<string, Float32Array>): Map<string, Float32Array> {
  const rand = lcg(seed);
  const out = new Map<string, Float32Array>();
  for (const t of arch) {
    if (t.dtype === 'I64') continue;
    const n = t.shape.reduce((a, b) => a * b, 1);
    const b = base?.get(t.name);
    out.set(
      t.name,
      Float32Array.from({ length: n }, (_, i) => (b ? (i % 4 === 3 ? (b[i] as number) : (b[i] as number) + 0.1 * rand()) : rand())),
    );
  }
  return out;
}

/** Writes a model folder: config files plus the weights (one file, or shards of at most `maxShardBytes`). */
export async function writeModel(
  dir: string,
  arch: readonly TensorDef[],
  values: Map<string, Float32Array>,
  options: { maxShardBytes?: number; extraFiles?: boolean } = {},
): Promise<void> {
  await mkdir(dir, { recursive: true });
  const tensors = arch.map((t) => {
    const n = t.shape.reduce((a, b) => a * b, 1);
    const data =
      t.dtype === 'I64'
        ? littleEndianBytes(BigInt64Array.from({ length: n }, (_, i) => BigInt(i)))
        : encodeFromFloat32(values.get(t.name) as Float32Array, t.dtype, t.name);
    return { ...t, data };
  });
  await writeSharded(dir, tensors, { maxShardBytes: options.maxShardBytes ?? 1e12 });
  if (options.extraFiles !== false) {
    await writeFile(join(dir, 'config.json'), JSON.stringify({ model_type: 'llama', tensors: arch.length }));
    await writeFile(join(dir, 'generation_config.json'), '{}');
    await writeFile(join(dir, 'tokenizer.json'), '{"version":"1.0"}');
    await writeFile(join(dir, 'tokenizer_config.json'), '{}');
    await writeFile(join(dir, 'pytorch_model.bin'), 'not copied');
    await writeFile(join(dir, '.gitattributes'), 'not copied');
  }
}
