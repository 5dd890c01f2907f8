/**
 * Byte layouts the reference implementation (huggingface/safetensors) produces and accepts or rejects,
 * rebuilt here from their description: our writer must produce the same bytes and our reader must agree.
 */
import { describe, expect, it } from 'vitest';
import { littleEndianBytes } from './convert.js';
import { parseSafetensors, serializeSafetensors } from './memory.js';
import { expectCode } from './test-utils.js';

const ascii = (s: string): number[] => [...new TextEncoder().encode(s)];
const u64 = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24, 0, 0, 0, 0];
const file = (...parts: (number[] | string)[]): Uint8Array => Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? ascii(p) : p)));
const zeros = (n: number): number[] => new Array<number>(n).fill(0);

describe('agreement with the reference implementation', () => {
  it('writes an empty file with metadata as the reference does (header padded from 35 to 40 bytes)', () => {
    const out = serializeSafetensors([], { metadata: { framework: 'pt' } });
    expect([...out]).toEqual([...file(u64(40), '{"__metadata__":{"framework":"pt"}}', '     ')]);
  });

  it('pads the header so that F32 data starts 8-byte aligned, as the reference does', () => {
    const out = serializeSafetensors([{ name: 'attn0', dtype: 'F32', shape: [1, 1, 2, 3], data: littleEndianBytes(Float32Array.from([0, 1, 2, 3, 4, 5])) }]);
    const json = '{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}';
    expect(json.length).toBe(65);
    expect([...out]).toEqual([
      ...file(u64(72), json, '       '),
      ...[0, 0, 0, 0, 0, 0, 0x80, 0x3f, 0, 0, 0, 0x40, 0, 0, 0x40, 0x40, 0, 0, 0x80, 0x40, 0, 0, 0xa0, 0x40],
    ]);
  });

  const i32 = '{"test":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]}}';

  it('reads an unpadded header as older writers produced', () => {
    expect(i32.length).toBe(60);
    const buf = parseSafetensors(file(u64(60), i32, zeros(16)));
    expect(buf.names()).toEqual(['test']);
    expect(buf.info('test')).toEqual({ dtype: 'I32', shape: [2, 2], byteLength: 16 });
  });

  it('accepts any JSON whitespace after the header object, and a 0-d tensor', () => {
    expect(parseSafetensors(file(u64(6), '{}\r \t\n')).names()).toEqual([]);
    const scalar = '{"test":{"dtype":"I32","shape":[],"data_offsets":[0,4]}}';
    expect(parseSafetensors(file(u64(scalar.length), scalar, zeros(4))).info('test').shape).toEqual([]);
    const empty = '{"test":{"dtype":"I32","shape":[2,0],"data_offsets":[0, 0]}}';
    expect(parseSafetensors(file(u64(empty.length), empty)).info('test').byteLength).toBe(0);
  });

  it('rejects what the reference rejects', async () => {
    await expectCode(() => parseSafetensors(file(u64(60), i32, zeros(16), 'extra_bogus_data_for_polyglot_file')), 'TRAILING_BYTES');
    await expectCode(() => parseSafetensors(file(u64(60), i32, zeros(14))), 'DATA_TRUNCATED');
    await expectCode(() => parseSafetensors(file([60, 0, 0, 0, 0, 0xff, 0xff, 0xff], i32, zeros(16))), 'HEADER_TOO_LARGE');
    await expectCode(() => parseSafetensors(new Uint8Array(0)), 'FILE_TOO_SHORT');
    await expectCode(() => parseSafetensors(file(u64(60))), 'HEADER_TRUNCATED');
    await expectCode(() => parseSafetensors(file(u64(1), [0xff])), 'INVALID_UTF8');
    await expectCode(() => parseSafetensors(file(u64(1), '{')), 'INVALID_JSON');
    await expectCode(() => parseSafetensors(file(u64(6), '\t\n{}\r ')), 'INVALID_HEADER_START');
    const short = '{"test":{"dtype":"I32","shape":[2,2],"data_offsets":[0, 4]}}';
    await expectCode(() => parseSafetensors(file(u64(short.length), short, zeros(4))), 'SIZE_MISMATCH', { tensor: 'test' });
    const huge = '{"test":{"dtype":"I32","shape":[2,18446744073709551614],"data_offsets":[0,16]}}';
    await expectCode(() => parseSafetensors(file(u64(huge.length), huge, zeros(16))), 'INVALID_SHAPE', { tensor: 'test' });
    // ten tensors all claiming the same 16 bytes
    const entries = Array.from({ length: 10 }, (_, i) => `"weight_${i}":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}`);
    const attack = `{${entries.join(',')}}`;
    await expectCode(() => parseSafetensors(file(u64(attack.length), attack, zeros(16))), 'OFFSET_OVERLAP');
  });
});
