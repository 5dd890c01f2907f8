import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSafetensors } from './memory.js';
import { SafetensorsFile } from './reader.js';
import { bytes, expectCode, put, rawFile, tempDir } from './test-utils.js';
import { SafetensorsWriter } from './writer.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await tempDir()));
afterAll(() => cleanup());

describe('reading a hand-built file', () => {
  // F16 [1, -2], BF16 [1, -3], I64 [-1], I32 [258] laid out by hand, metadata first
  const header =
    '{"__metadata__":{"format":"pt"},' +
    '"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},' +
    '"i64":{"dtype":"I64","shape":[],"data_offsets":[8,16]},' +
    '"bf":{"dtype":"BF16","shape":[1,2],"data_offsets":[4,8]},' +
    '"i32":{"dtype":"I32","shape":[1],"data_offsets":[16,20]}}';
  const data = bytes(
    ...[0x00, 0x3c, 0x00, 0xc0], // F16 1, -2
    ...[0x80, 0x3f, 0x40, 0xc0], // BF16 1, -3
    ...[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], // I64 -1
    ...[0x02, 0x01, 0x00, 0x00], // I32 258
  );

  it('reads names in buffer order, info, metadata and converted values', async () => {
    const path = await put(dir, 'hand.safetensors', rawFile(header, data));
    const f = await SafetensorsFile.open(path);
    expect(f.names()).toEqual(['h', 'bf', 'i64', 'i32']);
    expect(f.metadata()).toEqual({ format: 'pt' });
    expect(f.info('bf')).toEqual({ dtype: 'BF16', shape: [1, 2], byteLength: 4 });
    expect(f.info('i64')).toEqual({ dtype: 'I64', shape: [], byteLength: 8 });
    expect(f.dataOffset).toBe(8 + new TextEncoder().encode(header).byteLength);
    expect([...(await f.readFloat32('h'))]).toEqual([1, -2]);
    expect([...(await f.readFloat32('bf'))]).toEqual([1, -3]);
    expect([...(await f.readBigInt64('i64'))]).toEqual([-1n]);
    expect([...(await f.readInt32('i32'))]).toEqual([258]);
    expect([...(await f.readTyped('h'))]).toEqual([0x3c00, 0xc000]);
    expect([...(await f.readByteRange('i32', 1, 3))]).toEqual([0x01, 0x00]);
    // locate: the absolute offset of a tensor's bytes in the file, which a plain read of the file agrees with
    const where = f.locate('i32');
    expect(where).toMatchObject({ path, byteLength: 4 });
    expect([...readFileSync(path).subarray(where.offset, where.offset + 4)]).toEqual([...(await f.readBytes('i32'))]);
    expect(f.has('h')).toBe(true);
    expect(f.has('x')).toBe(false);
    await expectCode(async () => f.info('x'), 'TENSOR_NOT_FOUND', { path, tensor: 'x' });
    await expectCode(f.readByteRange('i32', 2, 5), 'INVALID_ARGUMENT', { tensor: 'i32' });
    await expectCode(f.readByteRange('i32', 3, 2), 'INVALID_ARGUMENT');
    await f.close();
    await f.close();
    await expectCode(f.readBytes('h'), 'CLOSED', { path, tensor: 'h' });
  });

  it('gives the same answers from memory, as zero-copy views', () => {
    const file = rawFile(header, data);
    const buf = parseSafetensors(file);
    expect([...buf.float32('h')]).toEqual([1, -2]);
    const view = buf.tensorBytes('i32');
    expect(view.buffer).toBe(file.buffer);
    expect([...view]).toEqual([2, 1, 0, 0]);
  });

  it('wraps a missing file as IO_ERROR naming the path', async () => {
    const path = join(dir, 'missing.safetensors');
    await expectCode(SafetensorsFile.open(path), 'IO_ERROR', { path });
  });
});

/** Bytes this process has read through read() calls so far (Linux), or undefined. */
function processReadBytes(): number | undefined {
  if (!existsSync('/proc/self/io')) return undefined;
  const match = /rchar:\s*(\d+)/.exec(readFileSync('/proc/self/io', 'utf8'));
  return match ? Number(match[1]) : undefined;
}

describe('lazy, per-tensor reads of a 50 MB file', () => {
  const MB = 1 << 20;
  let path: string;

  beforeAll(async () => {
    path = join(dir, 'big.safetensors');
    const names = ['l0', 'l1', 'tiny', 'l2', 'l3', 'l4'];
    const w = await SafetensorsWriter.create(path, {
      tensors: names.map((name) => ({ name, dtype: 'F32' as const, shape: name === 'tiny' ? [4] : [10, MB / 4] })),
    });
    const chunk = new Uint8Array(MB);
    for (const name of names) {
      if (name === 'tiny') await w.writeFloat32('tiny', [1, 2, 3, 4]);
      else
        await w.writeChunks(
          name,
          Array.from({ length: 10 }, () => chunk.fill(names.indexOf(name))),
        );
    }
    await w.finish();
  });

  it('reads only the header at open and only the tensor asked for', async () => {
    const before = processReadBytes();
    const f = await SafetensorsFile.open(path);
    expect(f.fileSize).toBeGreaterThan(50 * MB);
    expect(f.bytesRead).toBe(f.dataOffset); // 8 + N: the header only
    expect([...(await f.readFloat32('tiny'))]).toEqual([1, 2, 3, 4]);
    expect(f.bytesRead).toBe(f.dataOffset + 16);
    const after = processReadBytes();
    if (before !== undefined && after !== undefined) {
      // what the kernel saw this process read: nowhere near the 50 MB of the file
      expect(after - before).toBeLessThan(2 * MB);
    }
    await f.close();
  });

  it('reads one 10 MB tensor piece by piece with byte ranges', async () => {
    const f = await SafetensorsFile.open(path);
    const start = f.bytesRead;
    let sum = 0;
    for (let off = 0; off < 10 * MB; off += 2 * MB) {
      const piece = await f.readByteRange('l3', off, off + 2 * MB);
      sum += piece.reduce((a, b) => a + b, 0);
    }
    expect(sum).toBe(10 * MB * 4); // every byte of l3 was filled with its index, 4
    expect(f.bytesRead - start).toBe(10 * MB);
    expect((await f.readBytes('l1'))[123]).toBe(1);
    await f.close();
  });
});
