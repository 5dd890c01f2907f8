import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SafetensorsErrorCode } from './errors.js';
import { parseSafetensors } from './memory.js';
import { SafetensorsFile } from './reader.js';
import { expectCode, put, rawFile, tempDir } from './test-utils.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await tempDir()));
afterAll(() => cleanup());

const t = (name: string, dtype: string, shape: number[], begin: number, end: number): string =>
  `${JSON.stringify(name)}:{"dtype":"${dtype}","shape":${JSON.stringify(shape)},"data_offsets":[${begin},${end}]}`;

interface BadCase {
  title: string;
  file: Uint8Array;
  code: SafetensorsErrorCode;
  tensor?: string;
}

const cases: BadCase[] = [
  { title: 'file shorter than 8 bytes', file: new Uint8Array(5), code: 'FILE_TOO_SHORT' },
  { title: 'empty file', file: new Uint8Array(0), code: 'FILE_TOO_SHORT' },
  { title: 'header length over 100 MB', file: rawFile('{}', 0, 100_000_001n), code: 'HEADER_TOO_LARGE' },
  { title: 'header length near 2^64', file: rawFile('{}', 0, 0xffffffffffffffffn), code: 'HEADER_TOO_LARGE' },
  { title: 'file shorter than 8 + N', file: rawFile('{}', 0, 64n), code: 'HEADER_TRUNCATED' },
  { title: 'header not UTF-8', file: rawFile('{"a":"x"}').map((b, i) => (i === 14 ? 0xff : b)), code: 'INVALID_UTF8' },
  { title: 'header starting with a space', file: rawFile(' {}     '), code: 'INVALID_HEADER_START' },
  { title: 'header starting with a BOM', file: rawFile('\ufeff{}  '), code: 'INVALID_HEADER_START' },
  { title: 'header that is a JSON array', file: rawFile('[1]     '), code: 'INVALID_HEADER_START' },
  { title: 'invalid JSON', file: rawFile('{"a":}  '), code: 'INVALID_JSON' },
  { title: 'truncated JSON', file: rawFile('{"a":{"dtype":"F32"'), code: 'INVALID_JSON' },
  { title: 'metadata with a number value', file: rawFile('{"__metadata__":{"format":"pt","epoch":3}}'), code: 'INVALID_METADATA' },
  { title: 'metadata with a nested object', file: rawFile('{"__metadata__":{"a":{"b":"c"}}}'), code: 'INVALID_METADATA' },
  { title: 'metadata that is a string', file: rawFile('{"__metadata__":"pt"}'), code: 'INVALID_METADATA' },
  { title: 'metadata given twice', file: rawFile('{"__metadata__":{},"__metadata__":{}}'), code: 'INVALID_METADATA' },
  { title: 'metadata key given twice', file: rawFile('{"__metadata__":{"a":"1","a":"2"}}'), code: 'INVALID_METADATA' },
  {
    title: 'duplicate tensor names',
    file: rawFile(`{${t('w', 'F32', [1], 0, 4)},${t('w', 'F32', [1], 4, 8)}}`, 8),
    code: 'DUPLICATE_TENSOR',
    tensor: 'w',
  },
  {
    title: 'duplicate tensor names written with different escapes',
    file: rawFile(`{${t('a', 'U8', [1], 0, 1)},"\\u0061":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}`, 2),
    code: 'DUPLICATE_TENSOR',
    tensor: 'a',
  },
  { title: 'tensor entry not an object', file: rawFile('{"w":[1,2]}'), code: 'INVALID_TENSOR_INFO', tensor: 'w' },
  { title: 'tensor entry without data_offsets', file: rawFile('{"w":{"dtype":"F32","shape":[1]}}'), code: 'INVALID_TENSOR_INFO', tensor: 'w' },
  {
    title: 'tensor entry with a field given twice',
    file: rawFile('{"w":{"dtype":"F32","dtype":"F32","shape":[1],"data_offsets":[0,4]}}', 4),
    code: 'INVALID_TENSOR_INFO',
    tensor: 'w',
  },
  { title: 'unknown dtype', file: rawFile(`{${t('w', 'F128', [1], 0, 16)}}`, 16), code: 'UNKNOWN_DTYPE', tensor: 'w' },
  { title: 'lower-case dtype', file: rawFile(`{${t('w', 'f32', [1], 0, 4)}}`, 4), code: 'UNKNOWN_DTYPE', tensor: 'w' },
  { title: 'negative dimension', file: rawFile(`{${t('w', 'F32', [-1], 0, 4)}}`, 4), code: 'INVALID_SHAPE', tensor: 'w' },
  { title: 'fractional dimension', file: rawFile(`{${t('w', 'F32', [1.5], 0, 6)}}`, 6), code: 'INVALID_SHAPE', tensor: 'w' },
  { title: 'shape not an array', file: rawFile('{"w":{"dtype":"F32","shape":4,"data_offsets":[0,16]}}', 16), code: 'INVALID_SHAPE', tensor: 'w' },
  { title: 'fractional offset', file: rawFile(`{${t('w', 'U8', [1], 0, 1.5)}}`, 2), code: 'INVALID_OFFSETS', tensor: 'w' },
  { title: 'negative offset', file: rawFile(`{${t('w', 'U8', [1], -1, 0)}}`, 1), code: 'INVALID_OFFSETS', tensor: 'w' },
  { title: 'begin after end', file: rawFile(`{${t('w', 'U8', [0], 4, 0)}}`, 4), code: 'INVALID_OFFSETS', tensor: 'w' },
  { title: 'three offsets', file: rawFile('{"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1,2]}}', 1), code: 'INVALID_OFFSETS', tensor: 'w' },
  { title: 'byte size not dtype x shape', file: rawFile(`{${t('w', 'F32', [2, 2], 0, 12)}}`, 12), code: 'SIZE_MISMATCH', tensor: 'w' },
  { title: '0-d tensor with 0 bytes', file: rawFile(`{${t('w', 'F32', [], 0, 0)}}`), code: 'SIZE_MISMATCH', tensor: 'w' },
  { title: 'shape with a 0 but bytes', file: rawFile(`{${t('w', 'F32', [3, 0], 0, 4)}}`, 4), code: 'SIZE_MISMATCH', tensor: 'w' },
  { title: 'odd count of 4-bit values', file: rawFile(`{${t('w', 'F4', [3], 0, 2)}}`, 2), code: 'MISALIGNED_SIZE', tensor: 'w' },
  { title: 'first tensor not at 0', file: rawFile(`{${t('w', 'U8', [2], 2, 4)}}`, 4), code: 'OFFSET_GAP', tensor: 'w' },
  {
    title: 'gap between tensors',
    file: rawFile(`{${t('a', 'U8', [2], 0, 2)},${t('b', 'U8', [2], 3, 5)}}`, 5),
    code: 'OFFSET_GAP',
    tensor: 'b',
  },
  {
    title: 'overlapping tensors',
    file: rawFile(`{${t('a', 'U8', [4], 0, 4)},${t('b', 'U8', [2], 2, 4)}}`, 4),
    code: 'OFFSET_OVERLAP',
    tensor: 'b',
  },
  {
    title: 'two tensors on the same bytes',
    file: rawFile(`{${t('a', 'U8', [4], 0, 4)},${t('b', 'U8', [4], 0, 4)}}`, 4),
    code: 'OFFSET_OVERLAP',
  },
  { title: 'trailing bytes after the last tensor', file: rawFile(`{${t('w', 'U8', [2], 0, 2)}}`, 3), code: 'TRAILING_BYTES' },
  { title: 'trailing bytes with no tensors', file: rawFile('{}', 1), code: 'TRAILING_BYTES' },
  { title: 'data shorter than the offsets', file: rawFile(`{${t('w', 'U8', [4], 0, 4)}}`, 3), code: 'DATA_TRUNCATED', tensor: 'w' },
];

describe('every validation rule, with a hand-crafted bad file', () => {
  it.each(cases)('$title -> $code', async ({ title, file, code, tensor }) => {
    const path = await put(dir, `${title.replace(/[^a-z0-9]+/gi, '-')}.safetensors`, file);
    const error = await expectCode(SafetensorsFile.open(path), code, { path, tensor });
    expect(error.rule.length).toBeGreaterThan(10);
    await expectCode(() => parseSafetensors(file), code, { tensor }); // the in-memory parser agrees
  });

  it('names the file, the tensor and the rule in the message', async () => {
    const path = await put(dir, 'named.safetensors', rawFile(`{${t('layer.0.weight', 'F32', [2, 2], 0, 12)}}`, 12));
    const error = await expectCode(SafetensorsFile.open(path), 'SIZE_MISMATCH');
    expect(error.message).toBe(`${path}: tensor "layer.0.weight": data_offsets [0, 12] span 12 bytes but F32 x [2, 2] needs 16 [SIZE_MISMATCH]`);
  });
});

describe('valid edge cases the rules must accept', () => {
  it('accepts an empty header, padding spaces, null metadata, zero-size and 0-d tensors in any key order', async () => {
    const header = `{"__metadata__":null,${t('z', 'F32', [0, 5], 4, 4)},${t('s', 'F32', [], 0, 4)},${t('e', 'I8', [0], 0, 0)}}   `;
    const file = rawFile(header, Uint8Array.from([0, 0, 0x80, 0x3f]));
    const path = await put(dir, 'edge.safetensors', file);
    const f = await SafetensorsFile.open(path);
    expect(f.names()).toEqual(['e', 's', 'z']); // byte-buffer order, zero-size at 0 first
    expect(f.metadata()).toBeUndefined();
    expect([...(await f.readFloat32('s'))]).toEqual([1]);
    expect(f.info('z')).toEqual({ dtype: 'F32', shape: [0, 5], byteLength: 0 });
    expect((await f.readBytes('z')).byteLength).toBe(0);
    await f.close();

    const empty = parseSafetensors(rawFile('{}'));
    expect(empty.names()).toEqual([]);
    expect(parseSafetensors(rawFile('{}      ')).header.headerLength).toBe(8);
  });

  it('accepts metadata and tensor names that JSON objects would reorder or that look special', () => {
    const file = rawFile(`{"__metadata__":{"format":"pt","__proto__":"x"},${t('10', 'U8', [1], 0, 1)},${t('__proto__', 'U8', [1], 1, 2)}}`, 2);
    const buf = parseSafetensors(file);
    expect(buf.names()).toEqual(['10', '__proto__']);
    expect(buf.metadata()).toEqual(
      Object.fromEntries([
        ['format', 'pt'],
        ['__proto__', 'x'],
      ]),
    );
    expect(Object.keys(buf.metadata() ?? {})).toEqual(['format', '__proto__']);
  });

  it('accepts a header length of exactly 100 MB (the limit) as far as the length check goes', async () => {
    const path = await put(dir, 'limit.safetensors', rawFile('{}', 0, 100_000_000n));
    await expectCode(SafetensorsFile.open(path), 'HEADER_TRUNCATED'); // past the size check, fails on length
  });
});
