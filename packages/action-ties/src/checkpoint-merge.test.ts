import { mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeFromFloat32, isSafetensorsError, openCheckpoint, writeSafetensors, type Checkpoint } from '@lamdagent/safetensors';
import { mergeCheckpoints } from './checkpoint-merge.js';
import { MergeOptionsError, TensorMismatchError } from './errors.js';
import { mergeTensors, type MergeSpecInput } from './methods.js';
import { ARCH, archIn, floatValues, writeModel, type TensorDef } from './test-models.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'action-ties-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes a base and `count` fine-tuned models of `arch`; returns their folders. */
async function family(
  arch: readonly TensorDef[],
  count: number,
  shards: { base?: number; models?: (number | undefined)[] } = {},
): Promise<{ base: string; models: string[] }> {
  const baseValues = floatValues(arch, 1);
  const base = join(dir, 'base');
  await writeModel(base, arch, baseValues, { maxShardBytes: shards.base });
  const models: string[] = [];
  for (let i = 0; i < count; i++) {
    const path = join(dir, `model-${i}`);
    await writeModel(path, arch, floatValues(arch, 100 + i, baseValues), { maxShardBytes: shards.models?.[i] });
    models.push(path);
  }
  return { base, models };
}

/** Every output tensor equals the pure function over the decoded inputs, encoded to the base's dtype. */
async function expectMatchesPure(out: string, base: string | undefined, models: string[], spec: MergeSpecInput): Promise<number> {
  const o = await openCheckpoint(out);
  const template = await openCheckpoint(base ?? (models[0] as string));
  const b = spec.method === 'linear' ? undefined : template;
  const ms: Checkpoint[] = await Promise.all(models.map((m) => openCheckpoint(m)));
  let checked = 0;
  try {
    expect(o.names()).toEqual(template.names());
    for (const name of template.names()) {
      const info = template.info(name);
      expect(o.info(name)).toEqual(info);
      let want: Uint8Array;
      if (info.dtype === 'I64') {
        want = await template.readBytes(name);
      } else {
        // mergekit computes in the base's dtype (the first model's without a base), step by step
        const work = ((b ?? ms[0])?.info(name).dtype ?? 'F32') as 'F32' | 'BF16' | 'F16';
        const merged = mergeTensors(
          spec,
          b ? await b.readFloat32(name) : null,
          await Promise.all(ms.map((m) => m.readFloat32(name))),
          work === 'BF16' || work === 'F16' ? work : 'F32',
        );
        want = encodeFromFloat32(merged, info.dtype, name);
      }
      expect(Buffer.from(await o.readBytes(name)).equals(Buffer.from(want)), name).toBe(true);
      checked++;
    }
  } finally {
    await Promise.all([o, template, ...ms].map((c) => c.close()));
  }
  return checked;
}

async function fileSizes(folder: string, pattern: RegExp): Promise<number> {
  let total = 0;
  for (const f of await readdir(folder)) if (pattern.test(f)) total += (await stat(join(folder, f))).size;
  return total;
}

const ties: MergeSpecInput = { method: 'ties', weights: [0.5, 0.3, 0.2], density: 0.5 };

describe('mergeCheckpoints', () => {
  it('TIES-merges single-file F32 models, reading each tensor once, and copies the non-weight files', async () => {
    const { base, models } = await family(ARCH, 3);
    const out = join(dir, 'out');
    const progress: number[] = [];
    const result = await mergeCheckpoints({ merge: ties, base, models, outputDir: out, onProgress: (p) => progress.push(p.done) });
    expect(await expectMatchesPure(out, base, models, ties)).toBe(ARCH.length);
    expect(result).toMatchObject({ method: 'ties', tensors: 7, mergedTensors: 6, copiedTensors: 1, files: ['model.safetensors'] });
    expect(result.copiedFiles).toEqual(['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json']);
    expect((await readdir(out)).sort()).toEqual([...result.copiedFiles, 'model.safetensors'].sort());
    expect(result.bytesWritten).toBe(1776);
    // Every byte of every input read once, except the models' integer tensor (copied from the base).
    const inputBytes = (await Promise.all([base, ...models].map((m) => fileSizes(m, /safetensors$/)))).reduce((a, b) => a + b);
    expect(result.bytesRead).toBe(inputBytes - 3 * 48);
    expect(result.mbPerSec).toBeGreaterThan(0);
    expect(progress).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const o = await openCheckpoint(out);
    expect(o.metadata()).toEqual({ format: 'pt', merge_method: 'ties' });
    await o.close();
    expect(await readFile(join(out, 'config.json'), 'utf8')).toBe(await readFile(join(base, 'config.json'), 'utf8'));
  });

  it('merges BF16 sharded inputs and shards the output as the base', async () => {
    const arch = archIn('BF16');
    const { base, models } = await family(arch, 3, { base: 300, models: [undefined, 200, 500] });
    const out = join(dir, 'out');
    const result = await mergeCheckpoints({ merge: ties, base, models, outputDir: out });
    expect(await expectMatchesPure(out, base, models, ties)).toBe(arch.length);
    const baseFiles = (await readdir(base)).filter((f) => f.includes('safetensors')).sort();
    expect(baseFiles.length).toBeGreaterThan(2);
    expect([...result.files].sort()).toEqual(baseFiles);
    const index = (f: string): Promise<unknown> => readFile(join(f, 'model.safetensors.index.json'), 'utf8').then(JSON.parse);
    expect(await index(out)).toEqual(await index(base));
  });

  it('keeps F16 and BF16 dtypes when the models are F32, rounding to nearest even', async () => {
    const f16 = archIn('F16');
    const baseValues = floatValues(f16, 1);
    const base = join(dir, 'base');
    await writeModel(base, f16, baseValues);
    const models = [join(dir, 'a'), join(dir, 'b')];
    await writeModel(models[0] as string, ARCH, floatValues(ARCH, 2, baseValues));
    await writeModel(models[1] as string, ARCH, floatValues(ARCH, 3, baseValues));
    const spec: MergeSpecInput = { method: 'ties', weights: [1, 1], density: 0.7, lambda: 0.8 };
    await mergeCheckpoints({ merge: spec, base, models, outputDir: join(dir, 'out') });
    expect(await expectMatchesPure(join(dir, 'out'), base, models, spec)).toBe(f16.length);

    // Hand case: BF16 averages exactly halfway between two BF16 values round to the even one.
    const t = (name: string, values: number[]): { name: string; dtype: 'BF16'; shape: number[]; data: Uint8Array } => ({
      name,
      dtype: 'BF16',
      shape: [values.length],
      data: encodeFromFloat32(Float32Array.from(values), 'BF16'),
    });
    const m1 = join(dir, 'm1.safetensors');
    const m2 = join(dir, 'm2.safetensors');
    await writeSafetensors(m1, [t('w', [1, 1 + 2 ** -7])]);
    await writeSafetensors(m2, [t('w', [1 + 2 ** -7, 1 + 2 ** -6])]);
    await mergeCheckpoints({ merge: { method: 'linear', weights: [1, 1] }, models: [m1, m2], outputDir: join(dir, 'rne') });
    const o = await openCheckpoint(join(dir, 'rne'));
    expect(Array.from(new Uint16Array((await o.readBytes('w')).buffer))).toEqual([0x3f80, 0x3f82]);
    await o.close();
  });

  it('re-shards the output by a maximum shard size', async () => {
    const { base, models } = await family(ARCH, 2);
    const out = join(dir, 'out');
    const spec: MergeSpecInput = { method: 'ties', weights: [1, 1], density: 0.3 };
    const result = await mergeCheckpoints({ merge: spec, base, models, outputDir: out, maxShardBytes: 600 });
    expect(result.files).toEqual([
      'model-00001-of-00004.safetensors',
      'model-00002-of-00004.safetensors',
      'model-00003-of-00004.safetensors',
      'model-00004-of-00004.safetensors',
      'model.safetensors.index.json',
    ]);
    expect(await expectMatchesPure(out, base, models, spec)).toBe(ARCH.length);
    const index = JSON.parse(await readFile(join(out, 'model.safetensors.index.json'), 'utf8')) as { metadata: { total_size: number } };
    expect(index.metadata.total_size).toBe(1776);
    // Everything fits one shard: a single model.safetensors, no index.
    const one = await mergeCheckpoints({ merge: spec, base, models, outputDir: join(dir, 'one'), maxShardBytes: 10_000 });
    expect(one.files).toEqual(['model.safetensors']);
  });

  it('runs task arithmetic and linear merges', async () => {
    const { base, models } = await family(ARCH, 3);
    const ta: MergeSpecInput = { method: 'task_arithmetic', weights: [0.5, 0.25, 1], lambda: 0.7 };
    await mergeCheckpoints({ merge: ta, base, models, outputDir: join(dir, 'ta') });
    expect(await expectMatchesPure(join(dir, 'ta'), base, models, ta)).toBe(ARCH.length);
    const lin: MergeSpecInput = { method: 'linear', weights: [1, 2, 1] };
    const result = await mergeCheckpoints({ merge: lin, models, outputDir: join(dir, 'lin') });
    expect(await expectMatchesPure(join(dir, 'lin'), undefined, models, lin)).toBe(ARCH.length);
    expect(result.method).toBe('linear');
  });

  it('gives the same bytes on worker threads as on the main thread, for every method family', async () => {
    const arch = archIn('BF16');
    const { base, models } = await family(arch, 3, { base: 400 });
    const specs: MergeSpecInput[] = [
      ties,
      { method: 'task_arithmetic', weights: [0.5, 0.5, 1], lambda: 0.8 },
      { method: 'dare_ties', weights: [0.5, 0.3, 0.2], density: 0.6 },
      { method: 'della', weights: [1, 1, 1], density: 0.5, modelParams: [{ epsilon: 0.1 }, { epsilon: 0.2 }, { epsilon: 0.1 }] },
      { method: 'model_stock' },
    ];
    for (const [k, spec] of specs.entries()) {
      const main = join(dir, `main-${k}`);
      const threaded = join(dir, `threads-${k}`);
      await mergeCheckpoints({ merge: spec, base, models, outputDir: main, threads: 0 });
      const result = await mergeCheckpoints({ merge: spec, base, models, outputDir: threaded, threads: 2 });
      expect(result.mergedTensors).toBe(6);
      for (const f of result.files) expect((await readFile(join(threaded, f))).equals(await readFile(join(main, f))), `${spec.method} ${f}`).toBe(true);
    }
  }, 60_000); // starts worker threads for each method family: slow on a loaded machine

  it('gives the same bytes for F32 models on the main thread (outputs do not alias reused scratch)', async () => {
    const { base, models } = await family(ARCH, 2);
    const spec: MergeSpecInput = { method: 'ties', weights: [0.7, 0.3], density: 0.5 };
    const main = await mergeCheckpoints({ merge: spec, base, models, outputDir: join(dir, 'f32-main'), threads: 0 });
    await mergeCheckpoints({ merge: spec, base, models, outputDir: join(dir, 'f32-threads'), threads: 2 });
    for (const f of main.files) expect((await readFile(join(dir, 'f32-main', f))).equals(await readFile(join(dir, 'f32-threads', f))), f).toBe(true);
    expect(await expectMatchesPure(join(dir, 'f32-main'), base, models, spec)).toBe(ARCH.length);
  });

  describe('errors', () => {
    it('names the file and tensor of a missing, extra or reshaped tensor, before writing anything', async () => {
      const { base, models } = await family(ARCH, 1);
      const values = floatValues(ARCH, 9);
      const cases: [string, TensorDef[], RegExp][] = [
        ['missing', ARCH.filter((t) => t.name !== 'model.norm.weight'), /missing.*tensor model\.norm\.weight|tensor model\.norm\.weight: missing/],
        [
          'shape',
          ARCH.map((t) => (t.name === 'lm_head.weight' ? { ...t, shape: [8, 16] } : t)),
          /tensor lm_head\.weight: shape \[8, 16\] differs from \[16, 8\]/,
        ],
        [
          'dtype',
          ARCH.map((t) => (t.name === 'model.norm.weight' ? { ...t, dtype: 'I32' as const } : t)),
          /tensor model\.norm\.weight: dtype I32 cannot be merged with F32/,
        ],
      ];
      for (const [label, arch, message] of cases) {
        const bad = join(dir, `bad-${label}`);
        if (label === 'dtype') {
          await mkdir(bad);
          const tensors = arch.map((t) => ({
            ...t,
            data: t.dtype === 'F32' ? encodeFromFloat32(values.get(t.name) as Float32Array, t.dtype) : new Uint8Array(t.dtype === 'I32' ? 32 : 48),
          }));
          await writeSafetensors(join(bad, 'model.safetensors'), tensors);
        } else {
          await writeModel(bad, arch, values);
        }
        const out = join(dir, `out-${label}`);
        const error = await mergeCheckpoints({
          merge: { method: 'ties', weights: [1, 1], density: 0.5 },
          base,
          models: [models[0] as string, bad],
          outputDir: out,
        }).catch((e: unknown) => e);
        expect(error, label).toBeInstanceOf(TensorMismatchError);
        expect((error as TensorMismatchError).file).toBe(bad);
        expect((error as Error).message).toContain(bad);
        expect((error as Error).message).toMatch(message);
        expect(await readdir(out).catch(() => [])).toEqual([]);
      }
    });

    it('refuses a weights count that does not match, a density outside (0, 1], a missing base', async () => {
      const { base, models } = await family(ARCH, 2);
      const outputDir = join(dir, 'out');
      await expect(mergeCheckpoints({ merge: { method: 'ties', weights: [1], density: 0.5 }, base, models, outputDir })).rejects.toThrow(
        /1 weight\(s\) for 2 model\(s\)/,
      );
      for (const density of [0, 1.01, -1]) {
        await expect(mergeCheckpoints({ merge: { method: 'ties', weights: [1, 1], density }, base, models, outputDir })).rejects.toThrow(MergeOptionsError);
      }
      await expect(mergeCheckpoints({ merge: { method: 'ties', weights: [1, 1] }, models, outputDir })).rejects.toThrow(/ties needs a base model/);
      await expect(mergeCheckpoints({ merge: { method: 'ties', weights: [1, 1] }, base, models, outputDir, chunkElements: 0 })).rejects.toThrow(
        /chunkElements must be a positive integer/,
      );
      await expect(mergeCheckpoints({ merge: { method: 'ties', weights: [1, 1] }, base, models, outputDir, maxShardBytes: 1.5 })).rejects.toThrow(
        /maxShardBytes must be a positive integer/,
      );
      await expect(mergeCheckpoints({ merge: ties, base, models: [...models, join(dir, 'nope')], outputDir })).rejects.toSatisfy(
        (e: unknown) => isSafetensorsError(e, 'CHECKPOINT_NOT_FOUND') && e.message.includes(join(dir, 'nope')),
      );
    });

    it('stops on an aborted signal and leaves no partial weight file', async () => {
      const { base, models } = await family(ARCH, 2);
      const controller = new AbortController();
      const out = join(dir, 'out');
      const run = mergeCheckpoints({
        merge: { method: 'ties', weights: [1, 1], density: 0.5 },
        base,
        models,
        outputDir: out,
        signal: controller.signal,
        onProgress: (p) => {
          if (p.done === 3) controller.abort(new Error('stop'));
        },
      });
      await expect(run).rejects.toThrow('stop');
      expect(await readdir(out)).toEqual([]);
    });
  });
});
