import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { littleEndianBytes } from './convert.js';
import { openCheckpoint } from './checkpoint.js';
import { parseShardIndex } from './shard-index.js';
import { writeSharded } from './sharded-writer.js';
import { expectCode, tempDir } from './test-utils.js';
import { writeSafetensors, type TensorToWrite } from './writer.js';

let root: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir: root, cleanup } = await tempDir()));
afterAll(() => cleanup());

let counter = 0;
async function freshDir(): Promise<string> {
  const dir = join(root, `ckpt-${counter++}`);
  await mkdir(dir);
  return dir;
}

/** Tensors of 40, 40, 40, 8 and 4 bytes. */
function model(): TensorToWrite[] {
  const f32 = (name: string, n: number, base: number): TensorToWrite => ({
    name,
    dtype: 'F32',
    shape: [n],
    data: littleEndianBytes(Float32Array.from({ length: n }, (_, i) => base + i)),
  });
  return [f32('embed', 10, 0), f32('h.0.w', 10, 100), f32('h.1.w', 10, 200), f32('h.1.b', 2, 300), f32('ln.g', 1, 400)];
}

describe('writeSharded', () => {
  it('splits by max shard size, names shards model-0000i-of-0000K and writes the index', async () => {
    const dir = await freshDir();
    const result = await writeSharded(dir, model(), { maxShardBytes: 52, metadata: { format: 'pt' } });
    expect(result.files).toEqual([
      'model-00001-of-00003.safetensors',
      'model-00002-of-00003.safetensors',
      'model-00003-of-00003.safetensors',
      'model.safetensors.index.json',
    ]);
    expect(result.totalSize).toBe(132);
    expect((await readdir(dir)).sort()).toEqual([...result.files].sort());
    const text = await readFile(join(dir, 'model.safetensors.index.json'), 'utf8');
    expect(text).toBe(
      [
        '{',
        '  "metadata": {',
        '    "total_size": 132',
        '  },',
        '  "weight_map": {',
        '    "embed": "model-00001-of-00003.safetensors",',
        '    "h.0.w": "model-00002-of-00003.safetensors",',
        '    "h.1.b": "model-00003-of-00003.safetensors",',
        '    "h.1.w": "model-00003-of-00003.safetensors",',
        '    "ln.g": "model-00003-of-00003.safetensors"',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
    const ckpt = await openCheckpoint(dir);
    expect(ckpt.layout).toBe('sharded');
    expect(ckpt.names()).toEqual(['embed', 'h.0.w', 'h.1.w', 'h.1.b', 'ln.g']);
    expect(ckpt.metadata()).toEqual({ format: 'pt' });
    expect(ckpt.index?.totalSize).toBe(132);
    expect(ckpt.info('h.1.b')).toEqual({ dtype: 'F32', shape: [2], byteLength: 8 });
    expect([...(await ckpt.readFloat32('h.1.b'))]).toEqual([300, 301]);
    expect((await ckpt.readFloat32('embed'))[9]).toBe(9);
    expect([...(await ckpt.readBytes('ln.g'))]).toEqual([0, 0, 0xc8, 0x43]);
    await expectCode(async () => ckpt.info('nope'), 'TENSOR_NOT_FOUND', { path: dir, tensor: 'nope' });
    await ckpt.close();
  });

  it('gives a tensor larger than the limit its own shard', async () => {
    const dir = await freshDir();
    const result = await writeSharded(dir, model(), { maxShardBytes: 30 });
    expect(result.files.length).toBe(5); // 40, 40, 40, then 8 + 4 together, plus the index
    const index = parseShardIndex(await readFile(join(dir, 'model.safetensors.index.json'), 'utf8'), 'x');
    expect(index.weightMap.get('h.1.b')).toBe(index.weightMap.get('ln.g'));
  });

  it('writes a single shard as plain model.safetensors and removes stale files of the other layout', async () => {
    const dir = await freshDir();
    await writeSharded(dir, model(), { maxShardBytes: 80 });
    await writeFile(join(dir, 'config.json'), '{}');
    const result = await writeSharded(dir, model());
    expect(result).toEqual({ files: ['model.safetensors'], index: undefined, totalSize: 132 });
    expect((await readdir(dir)).sort()).toEqual(['config.json', 'model.safetensors']);
    const ckpt = await openCheckpoint(dir);
    expect(ckpt.layout).toBe('single');
    expect(ckpt.files()).toEqual([join(dir, 'model.safetensors')]);
    expect([...(await ckpt.readFloat32('h.1.b'))]).toEqual([300, 301]);
    await ckpt.close();
    // and back to sharded: the stale model.safetensors goes
    await writeSharded(dir, model(), { maxShardBytes: 100 });
    expect((await readdir(dir)).sort()).toEqual([
      'config.json',
      'model-00001-of-00002.safetensors',
      'model-00002-of-00002.safetensors',
      'model.safetensors.index.json',
    ]);
  });

  it('produces lazy data one tensor at a time and rejects bad options', async () => {
    const dir = await freshDir();
    const live: string[] = [];
    const tensors = model().map((t) => ({
      ...t,
      data: () => {
        live.push(t.name);
        return t.data as Uint8Array;
      },
    }));
    await writeSharded(dir, tensors, { maxShardBytes: 80 });
    expect(live).toEqual(['embed', 'h.0.w', 'h.1.w', 'h.1.b', 'ln.g']);
    await expectCode(writeSharded(dir, model(), { maxShardBytes: 0 }), 'INVALID_ARGUMENT');
    await expectCode(writeSharded(dir, [...model(), ...model()]), 'DUPLICATE_TENSOR', { path: dir, tensor: 'embed' });
  });

  it('opens a .safetensors file directly, and reports a folder without a checkpoint', async () => {
    const dir = await freshDir();
    await writeSafetensors(join(dir, 'weights.safetensors'), model());
    const ckpt = await openCheckpoint(join(dir, 'weights.safetensors'));
    expect(ckpt.names().length).toBe(5);
    await ckpt.close();
    await expectCode(openCheckpoint(dir), 'CHECKPOINT_NOT_FOUND', { path: dir });
    await expectCode(openCheckpoint(join(dir, 'nothing-here')), 'CHECKPOINT_NOT_FOUND');
  });
});

describe('index validation', () => {
  async function sharded(): Promise<string> {
    const dir = await freshDir();
    await writeSharded(dir, model(), { maxShardBytes: 52 });
    return dir;
  }
  const S1 = 'model-00001-of-00003.safetensors';
  const S2 = 'model-00002-of-00003.safetensors';
  const S3 = 'model-00003-of-00003.safetensors';
  const allMapped = { embed: S1, 'h.0.w': S2, 'h.1.w': S3, 'h.1.b': S3, 'ln.g': S3 };
  const writeIndex = (dir: string, text: string) => writeFile(join(dir, 'model.safetensors.index.json'), text);

  it('rejects a shard that does not exist', async () => {
    const dir = await sharded();
    await rm(join(dir, S2));
    await expectCode(openCheckpoint(dir), 'SHARD_MISSING', { path: join(dir, 'model.safetensors.index.json'), tensor: 'h.0.w' });
  });

  it('rejects a tensor mapped to a shard that does not hold it', async () => {
    const dir = await sharded();
    await writeIndex(dir, JSON.stringify({ metadata: {}, weight_map: { ...allMapped, 'h.1.b': S1 } }));
    await expectCode(openCheckpoint(dir), 'SHARD_TENSOR_MISSING', { tensor: 'h.1.b' });
  });

  it('rejects a tensor held by two shards', async () => {
    const dir = await sharded();
    // rewrite shard 2 so it also holds h.1.b
    await writeSafetensors(
      join(dir, S2),
      model().filter((t) => t.name === 'h.0.w' || t.name === 'h.1.b'),
    );
    await expectCode(openCheckpoint(dir), 'SHARD_DUPLICATE_TENSOR', { tensor: 'h.1.b' });
  });

  it('rejects a tensor listed twice in weight_map', async () => {
    const dir = await sharded();
    const entries = Object.entries(allMapped).map(([k, v]) => `"${k}":"${v}"`);
    await writeIndex(dir, `{"metadata":{},"weight_map":{${entries.join(',')},"embed":"${S1}"}}`);
    await expectCode(openCheckpoint(dir), 'SHARD_DUPLICATE_TENSOR', { tensor: 'embed' });
  });

  it('rejects a shard tensor the index does not list', async () => {
    const dir = await sharded();
    const { 'ln.g': _dropped, ...rest } = allMapped;
    await writeIndex(dir, JSON.stringify({ weight_map: rest }));
    await expectCode(openCheckpoint(dir), 'SHARD_TENSOR_UNMAPPED', { tensor: 'ln.g' });
  });

  it('rejects malformed index files', async () => {
    const bad = [
      'not json',
      '[]',
      '{"metadata":{}}',
      '{"weight_map":[]}',
      '{"weight_map":{"a":3}}',
      '{"weight_map":{"a":"../escape.safetensors"}}',
      '{"weight_map":{"a":"sub/dir.safetensors"}}',
      '{"metadata":{"total_size":-1},"weight_map":{}}',
      '{"metadata":{"total_size":"12"},"weight_map":{}}',
      '{"metadata":[],"weight_map":{}}',
      '{"weight_map":{},"weight_map":{}}',
    ];
    for (const text of bad) {
      const dir = await freshDir();
      await writeIndex(dir, text);
      await expectCode(openCheckpoint(dir), 'INVALID_INDEX', { path: join(dir, 'model.safetensors.index.json') });
    }
  });

  it('propagates shard format errors with the shard path', async () => {
    const dir = await sharded();
    const shard = join(dir, S2);
    const good = await readFile(shard);
    await writeFile(shard, Buffer.concat([good, Buffer.from([0])]));
    await expectCode(openCheckpoint(dir), 'TRAILING_BYTES', { path: shard });
  });
});
