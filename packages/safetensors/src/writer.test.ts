import { open, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { littleEndianBytes } from './convert.js';
import type { Dtype } from './dtype.js';
import { planLayout } from './layout.js';
import { parseSafetensors, serializeSafetensors } from './memory.js';
import { SafetensorsFile } from './reader.js';
import { expectCode, tempDir } from './test-utils.js';
import { SafetensorsWriter, writeSafetensors } from './writer.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await tempDir()));
afterAll(() => cleanup());

const le32 = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];

describe('writeSafetensors: exact bytes', () => {
  it('writes N, the JSON header padded with spaces to a multiple of 8, then the data in the given order', async () => {
    const path = join(dir, 'exact.safetensors');
    await writeSafetensors(
      path,
      [
        { name: 'b', dtype: 'F32', shape: [2], data: littleEndianBytes(Float32Array.from([1, 2])) },
        { name: 'ab', dtype: 'U8', shape: [], data: Uint8Array.from([7]) },
      ],
      { metadata: { format: 'pt' } },
    );
    const file = new Uint8Array(await readFile(path));
    const json = '{"__metadata__":{"format":"pt"},"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"ab":{"dtype":"U8","shape":[],"data_offsets":[8,9]}}';
    expect(json.length).toBe(137);
    const n = 144; // 137 rounded up to a multiple of 8
    expect([...file.subarray(0, 8)]).toEqual([...le32(n), 0, 0, 0, 0]);
    expect(new TextDecoder().decode(file.subarray(8, 8 + n))).toBe(`${json}       `);
    expect([...file.subarray(8 + n)]).toEqual([0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0x40, 7]);
    expect(file.byteLength).toBe(8 + n + 9);
  });

  it('writes an empty file as {} padded to 8 bytes', () => {
    const file = serializeSafetensors([]);
    expect([...file]).toEqual([8, 0, 0, 0, 0, 0, 0, 0, ...new TextEncoder().encode('{}      ')]);
  });

  it("sorts like the reference writer with order: 'reference' (wider dtypes first, then name)", () => {
    const layout = planLayout(
      [
        { name: 'c', dtype: 'U8', shape: [1] },
        { name: 'b', dtype: 'F32', shape: [1] },
        { name: 'a', dtype: 'F32', shape: [1] },
        { name: 'd', dtype: 'I64', shape: [1] },
        { name: 'e', dtype: 'F16', shape: [1] },
      ],
      { order: 'reference' },
    );
    expect(layout.entries.map((e) => [e.name, e.begin])).toEqual([
      ['d', 0],
      ['a', 8],
      ['b', 12],
      ['e', 16],
      ['c', 18],
    ]);
  });

  it('keeps tensor names that look like integers in the given order', () => {
    const file = serializeSafetensors([
      { name: 'z', dtype: 'U8', shape: [1], data: Uint8Array.from([1]) },
      { name: '0', dtype: 'U8', shape: [1], data: Uint8Array.from([2]) },
    ]);
    expect(parseSafetensors(file).names()).toEqual(['z', '0']);
  });

  it('rejects bad plans with typed errors', async () => {
    const spec = { dtype: 'U8' as const, shape: [1], data: Uint8Array.from([0]) };
    await expectCode(writeSafetensors(join(dir, 'x.safetensors'), [{ name: '__metadata__', ...spec }]), 'INVALID_NAME');
    await expectCode(
      writeSafetensors(join(dir, 'x.safetensors'), [
        { name: 'a', ...spec },
        { name: 'a', ...spec },
      ]),
      'DUPLICATE_TENSOR',
      {
        tensor: 'a',
      },
    );
    await expectCode(writeSafetensors(join(dir, 'x.safetensors'), [{ ...spec, name: 'a', dtype: 'F128' as Dtype }]), 'UNKNOWN_DTYPE');
    await expectCode(writeSafetensors(join(dir, 'x.safetensors'), [{ ...spec, name: 'a', shape: [-1] }]), 'INVALID_SHAPE');
    await expectCode(writeSafetensors(join(dir, 'x.safetensors'), [{ ...spec, name: 'a', dtype: 'F4', shape: [3] }]), 'MISALIGNED_SIZE');
    await expectCode(writeSafetensors(join(dir, 'x.safetensors'), [{ name: 'a', ...spec }], { metadata: { n: 3 as unknown as string } }), 'INVALID_METADATA');
    await expectCode(writeSafetensors(join(dir, 'x.safetensors'), [{ ...spec, name: 'a', shape: [2] }]), 'WRITE_SIZE_MISMATCH', { tensor: 'a' });
    expect(await readdir(dir)).not.toContain('x.safetensors');
    expect((await readdir(dir)).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('refuses a header over 100 MB', () => {
    const long = 'x'.repeat(10_000_000);
    const specs = Array.from({ length: 11 }, (_, i) => ({ name: `${long}${i}`, dtype: 'U8' as const, shape: [0] }));
    expect(() => planLayout(specs)).toThrow(/HEADER_TOO_LARGE/);
    expect(() => planLayout(specs.slice(0, 9))).not.toThrow(); // 90 MB is fine
  });
});

describe('round trips for every dtype', () => {
  const cases: { dtype: Dtype; shape: number[]; bytes: number }[] = [
    { dtype: 'F64', shape: [2, 3], bytes: 48 },
    { dtype: 'F32', shape: [3, 2], bytes: 24 },
    { dtype: 'F16', shape: [5], bytes: 10 },
    { dtype: 'BF16', shape: [5], bytes: 10 },
    { dtype: 'I64', shape: [3], bytes: 24 },
    { dtype: 'U64', shape: [1], bytes: 8 },
    { dtype: 'I32', shape: [2, 2], bytes: 16 },
    { dtype: 'U32', shape: [2], bytes: 8 },
    { dtype: 'I16', shape: [3], bytes: 6 },
    { dtype: 'U16', shape: [3], bytes: 6 },
    { dtype: 'I8', shape: [4], bytes: 4 },
    { dtype: 'U8', shape: [4], bytes: 4 },
    { dtype: 'BOOL', shape: [3], bytes: 3 },
    { dtype: 'F8_E4M3', shape: [2], bytes: 2 },
    { dtype: 'F8_E5M2', shape: [2], bytes: 2 },
    { dtype: 'F8_E8M0', shape: [2], bytes: 2 },
    { dtype: 'C64', shape: [2], bytes: 16 },
    { dtype: 'F4', shape: [2, 3], bytes: 3 },
    { dtype: 'F6_E2M3', shape: [4], bytes: 3 },
    { dtype: 'F6_E3M2', shape: [8], bytes: 6 },
  ];

  it('writes every dtype to disk and reads back the same dtype, shape and bytes', async () => {
    const tensors = cases.map((c, i) => ({
      name: `t.${c.dtype}`,
      dtype: c.dtype,
      shape: c.shape,
      data: Uint8Array.from({ length: c.bytes }, (_, j) => (c.dtype === 'BOOL' ? j % 2 : (i * 31 + j * 7) & 0xff)),
    }));
    const path = join(dir, 'all-dtypes.safetensors');
    await writeSafetensors(path, tensors, { metadata: { format: 'pt' } });
    const f = await SafetensorsFile.open(path);
    expect(f.names()).toEqual(tensors.map((t) => t.name));
    expect(f.metadata()).toEqual({ format: 'pt' });
    for (const t of tensors) {
      expect(f.info(t.name)).toEqual({ dtype: t.dtype, shape: t.shape, byteLength: t.data.byteLength });
      expect(await f.readBytes(t.name)).toEqual(t.data);
    }
    await f.close();
  });

  it('reads numeric dtypes as their typed arrays and as float32', async () => {
    const f64 = Float64Array.from([1.5, -2, 1e300, 0.1]);
    const i64 = BigInt64Array.from([-(2n ** 62n), 5n, -1n]);
    const i32 = Int32Array.from([-2147483648, 2147483647, 0]);
    const i16 = Int16Array.from([-32768, 12]);
    const path = join(dir, 'typed.safetensors');
    await writeSafetensors(path, [
      { name: 'f64', dtype: 'F64', shape: [4], data: littleEndianBytes(f64) },
      { name: 'i64', dtype: 'I64', shape: [3], data: littleEndianBytes(i64) },
      { name: 'i32', dtype: 'I32', shape: [3], data: littleEndianBytes(i32) },
      { name: 'i16', dtype: 'I16', shape: [2], data: littleEndianBytes(i16) },
      { name: 'b', dtype: 'BOOL', shape: [3], data: Uint8Array.from([1, 0, 1]) },
      { name: 'e4', dtype: 'F8_E4M3', shape: [2], data: Uint8Array.from([0x38, 0xb8]) },
    ]);
    const f = await SafetensorsFile.open(path);
    expect(await f.readTyped('f64')).toEqual(f64);
    expect([...(await f.readFloat32('f64'))]).toEqual([1.5, -2, Infinity, Math.fround(0.1)]);
    expect(await f.readBigInt64('i64')).toEqual(i64);
    expect([...(await f.readFloat32('i64'))]).toEqual([-(2 ** 62), 5, -1]);
    expect(await f.readInt32('i32')).toEqual(i32);
    expect([...(await f.readFloat32('i16'))]).toEqual([-32768, 12]);
    expect([...(await f.readFloat32('b'))]).toEqual([1, 0, 1]);
    expect([...(await f.readFloat32('e4'))]).toEqual([1, -1]);
    await expectCode(f.readInt32('i64'), 'DTYPE_MISMATCH', { path, tensor: 'i64' });
    await expectCode(f.readBigInt64('i32'), 'DTYPE_MISMATCH', { tensor: 'i32' });
    await f.close();
  });

  it('refuses float32 conversion of complex and sub-byte dtypes', async () => {
    const path = join(dir, 'c64.safetensors');
    await writeSafetensors(path, [{ name: 'c', dtype: 'C64', shape: [1], data: new Uint8Array(8) }]);
    const f = await SafetensorsFile.open(path);
    await expectCode(f.readFloat32('c'), 'DTYPE_MISMATCH', { path, tensor: 'c' });
    await f.close();
  });
});

describe('SafetensorsWriter (streaming)', () => {
  const plan = {
    tensors: [
      { name: 'w', dtype: 'F16' as const, shape: [2, 2] },
      { name: 'b', dtype: 'F32' as const, shape: [2] },
      { name: 'big', dtype: 'U8' as const, shape: [10] },
    ],
    metadata: { format: 'pt' },
  };

  it('writes the header at creation, then tensors one by one, and renames atomically on finish', async () => {
    const path = join(dir, 'stream.safetensors');
    await writeFile(path, 'old content');
    const w = await SafetensorsWriter.create(path, plan);
    expect(w.tempPath.startsWith(join(dir, '.stream.safetensors.tmp-'))).toBe(true);
    const partial = new Uint8Array(await readFile(w.tempPath));
    expect(partial).toEqual(w.layout.prefix); // just the header so far
    expect(await readFile(path, 'utf8')).toBe('old content'); // target untouched until finish
    expect(w.nextTensor).toBe('w');
    await w.writeFloat32('w', [1, 2, 3, 65520]);
    await w.write('b', littleEndianBytes(Float32Array.from([0.5, -0.5])));
    await w.writeChunks('big', [Uint8Array.from([0, 1, 2]), Uint8Array.from([3, 4, 5, 6]), Uint8Array.from([7, 8, 9])]);
    expect(w.nextTensor).toBeUndefined();
    await w.finish();
    expect((await readdir(dir)).filter((f) => f.startsWith('.stream'))).toEqual([]);
    const f = await SafetensorsFile.open(path);
    expect([...(await f.readFloat32('w'))]).toEqual([1, 2, 3, Infinity]);
    expect([...(await f.readFloat32('b'))]).toEqual([0.5, -0.5]);
    expect([...(await f.readBytes('big'))]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    await f.close();
    await w.abort(); // a no-op after finish
    expect(await readdir(dir)).toContain('stream.safetensors');
  });

  it('takes a tensor put in place by another writer (placeOf, writtenElsewhere), before or after the ones before it', async () => {
    const path = join(dir, 'elsewhere.safetensors');
    const w = await SafetensorsWriter.create(path, plan);
    const place = w.placeOf('big');
    expect(place).toMatchObject({ path: w.tempPath, byteLength: 10 });
    // another handle writes 'big' first, at its place
    const h = await open(place.path, 'r+');
    await h.write(Uint8Array.from([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]), 0, 10, place.offset);
    await h.close();
    await expectCode(w.writtenElsewhere('big'), 'WRITE_ORDER', { tensor: 'big' }); // still in its turn
    await w.writeFloat32('w', [1, 2, 3, 4]);
    await w.write('b', littleEndianBytes(Float32Array.from([0.5, -0.5])));
    await w.writtenElsewhere('big');
    await w.finish();
    const f = await SafetensorsFile.open(path);
    expect([...(await f.readBytes('big'))]).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect([...(await f.readFloat32('b'))]).toEqual([0.5, -0.5]);
    await f.close();
  });

  it('checks order and sizes, and refuses to finish early', async () => {
    const path = join(dir, 'checks.safetensors');
    const w = await SafetensorsWriter.create(path, plan);
    await expectCode(w.write('b', new Uint8Array(8)), 'WRITE_ORDER', { path, tensor: 'b' });
    await expectCode(w.write('nope', new Uint8Array(8)), 'WRITE_ORDER', { tensor: 'nope' });
    await expectCode(w.write('w', new Uint8Array(7)), 'WRITE_SIZE_MISMATCH', { tensor: 'w' });
    await expectCode(w.write('w', new Uint8Array(9)), 'WRITE_SIZE_MISMATCH', { tensor: 'w' });
    await w.write('w', new Uint8Array(8)); // a size error does not break the writer
    await expectCode(w.finish(), 'WRITE_INCOMPLETE', { tensor: 'b' });
    await w.write('b', new Uint8Array(8));
    await expectCode(w.writeChunks('big', [new Uint8Array(6), new Uint8Array(6)]), 'WRITE_SIZE_MISMATCH', { tensor: 'big' });
    await expectCode(w.write('big', new Uint8Array(10)), 'WRITER_STATE'); // a chunked failure leaves only abort
    await w.abort();
    await w.abort();
    expect((await readdir(dir)).filter((f) => f.includes('checks'))).toEqual([]);
  });

  it('reports short chunk sequences and overlapping calls', async () => {
    const w = await SafetensorsWriter.create(join(dir, 'short.safetensors'), plan);
    await w.write('w', new Uint8Array(8));
    const pending = w.write('b', new Uint8Array(8));
    await expectCode(w.write('big', new Uint8Array(10)), 'WRITER_STATE');
    await pending;
    await expectCode(w.writeChunks('big', [new Uint8Array(4)]), 'WRITE_SIZE_MISMATCH');
    await w.abort();
  });

  it('abort removes the temporary file and leaves an existing target alone', async () => {
    const path = join(dir, 'aborted.safetensors');
    await writeFile(path, 'keep me');
    const w = await SafetensorsWriter.create(path, plan);
    await w.write('w', new Uint8Array(8));
    await w.abort();
    await expectCode(w.write('b', new Uint8Array(8)), 'WRITER_STATE');
    expect(await readFile(path, 'utf8')).toBe('keep me');
    expect((await readdir(dir)).filter((f) => f.startsWith('.aborted'))).toEqual([]);
  });

  it('produces data lazily, one tensor at a time, in layout order', async () => {
    const calls: string[] = [];
    const make = (name: string, n: number) => () => {
      calls.push(name);
      return new Uint8Array(n);
    };
    await writeSafetensors(
      join(dir, 'lazy.safetensors'),
      [
        { name: 'small', dtype: 'U8', shape: [1], data: make('small', 1) },
        { name: 'wide', dtype: 'F64', shape: [1], data: make('wide', 8) },
      ],
      { order: 'reference' },
    );
    expect(calls).toEqual(['wide', 'small']);
  });
});
