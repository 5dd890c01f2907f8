import fc from 'fast-check';
import { fuzzRuns, reportFuzz } from '@lamdagent/core/kit';
import { describe, expect, it } from 'vitest';
import { isSafetensorsError } from './errors.js';
import { MAX_HEADER_SIZE, parseHeaderFromFileBytes, readHeaderLength } from './header.js';

const RUNS = fuzzRuns();

function frame(header: Uint8Array, declared: number | bigint, tail: number): Uint8Array {
  const out = new Uint8Array(8 + header.length + tail);
  new DataView(out.buffer).setBigUint64(0, BigInt(declared), true);
  out.set(header, 8);
  return out;
}

const tensor = fc.record({
  dtype: fc.oneof(fc.constantFrom('F32', 'F16', 'BF16', 'I8', 'U8', 'BOOL', 'F64'), fc.string()),
  shape: fc.oneof(fc.array(fc.nat(8), { maxLength: 4 }), fc.array(fc.integer({ min: -3, max: 2 ** 40 }), { maxLength: 4 }), fc.jsonValue()),
  data_offsets: fc.oneof(fc.tuple(fc.nat(64), fc.nat(64)), fc.array(fc.integer(), { maxLength: 3 }), fc.jsonValue()),
});
const headerObject = fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), fc.constant('__metadata__')), fc.oneof(tensor, fc.jsonValue()), { maxKeys: 5 });
const enc = new TextEncoder();

/** Only SafetensorsError comes out of the parser: no TypeError, RangeError or allocation failure. */
function parsesOrRefuses(file: Uint8Array): void {
  try {
    parseHeaderFromFileBytes(file);
  } catch (e) {
    if (!isSafetensorsError(e)) throw e;
  }
}

describe('safetensors header parser (fast-check)', () => {
  it('framing: any 8-byte length and file size gives a length within the limits, or a SafetensorsError', () => {
    reportFuzz('safetensors readHeaderLength', RUNS, () =>
      fc.assert(
        fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.nat(2 ** 40), (n, size) => {
          const prefix = frame(new Uint8Array(), n, 0).subarray(0, 8);
          try {
            const len = readHeaderLength(prefix, size);
            expect(len).toBeLessThanOrEqual(MAX_HEADER_SIZE);
            expect(8 + len).toBeLessThanOrEqual(size);
          } catch (e) {
            if (!isSafetensorsError(e)) throw e;
          }
        }),
        { numRuns: RUNS },
      ),
    );
  });

  it('arbitrary bytes and structured headers with lying lengths: parsed or refused, never a crash', () => {
    reportFuzz('safetensors parseHeaderFromFileBytes', RUNS, () =>
      fc.assert(
        fc.property(
          fc.oneof(
            fc.uint8Array({ maxLength: 256 }),
            fc.tuple(headerObject, fc.integer({ min: -2, max: 2 }), fc.nat(128)).map(([h, skew, tail]) => {
              const bytes = enc.encode(JSON.stringify(h));
              return frame(bytes, Math.max(0, bytes.length + skew), tail);
            }),
            fc.tuple(fc.string(), fc.nat(64)).map(([s, tail]) => {
              const bytes = enc.encode(s);
              return frame(bytes, bytes.length, tail);
            }),
          ),
          (file) => parsesOrRefuses(file),
        ),
        { numRuns: RUNS },
      ),
    );
  });
});
