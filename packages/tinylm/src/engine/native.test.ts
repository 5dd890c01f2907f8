import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { Mulberry32 } from '@lamdagent/core/kit';
import { AdamW } from '../adamw.js';
import { engineKernels, setThreads } from '../backend.js';
import { trainedFingerprint } from '../test-helpers.js';
import { kernelsChoice, loadNative } from './native.js';
import { Runtime } from './runtime.js';

const pkg = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const x64Linux = process.platform === 'linux' && process.arch === 'x64';
const cpuHasAvx2 = x64Linux && /\bavx2\b/.test(readFileSync('/proc/cpuinfo', 'utf8'));
const hasGcc = spawnSync('sh', ['-c', 'command -v gcc']).status === 0;

async function runtimeWith(kernels: 'wasm' | 'native', threads = 1): Promise<Runtime> {
  process.env.LAMDAGENT_TINYLM_KERNELS = kernels;
  try {
    return await Runtime.create(threads);
  } finally {
    delete process.env.LAMDAGENT_TINYLM_KERNELS;
  }
}

afterEach(() => {
  delete process.env.LAMDAGENT_TINYLM_KERNELS;
});

describe('native kernels (Linux x86-64, AVX2)', () => {
  it.skipIf(!hasGcc && process.env.CI !== 'true')('the committed prebuild matches a rebuild of native/x64/*.c and native/attention.c', () => {
    expect(hasGcc, 'gcc must be installed in CI (scripts/ci/wasm-toolchain.sh)').toBe(true);
    const r = spawnSync('bash', [path.join(pkg, 'native', 'x64', 'build.sh'), '--check'], { encoding: 'utf8' });
    if (r.status === 3) {
      console.log(`not compared: ${r.stderr.trim()}`); // another gcc emits other (equally valid) bytes
      return;
    }
    expect(r.stderr + r.stdout).toMatch(/matches a rebuild/);
    expect(r.status).toBe(0);
  });

  it('loads where it should, and says why not elsewhere', () => {
    const load = loadNative();
    if (cpuHasAvx2) expect(load).toMatchObject({ ok: true });
    else expect(load).toMatchObject({ ok: false, reason: expect.any(String) as string });
  });

  it.runIf(cpuHasAvx2)('gives the WebAssembly matmul bit for bit: shapes, strides, accumulation, K blocks, row ranges', async () => {
    const wasm = await runtimeWith('wasm');
    const native = await runtimeWith('native');
    expect([wasm.kernels, native.kernels]).toEqual(['wasm-simd128', 'native-avx2']);
    const rng = new Mulberry32(3);
    // [M, K, N, weight-gradient layout (A read transposed)]: odd sizes hit every column and row tail
    // (the native kernel packs B in 16-column panels and reads the last N % 16 columns unpacked);
    // K 700 with N 101 spans two K blocks; N 0 and K 0 are edge cases.
    const shapes: [number, number, number, boolean][] = [
      [37, 53, 29, false],
      [37, 53, 29, true],
      [96, 64, 192, false],
      [64, 96, 192, true],
      [23, 700, 101, false],
      [101, 700, 23, true],
      [7, 5, 3, false],
      [9, 20, 16, false], // one packed 16-column panel, no unpacked tail
      [5, 33, 32, true], // rows only in blocks of 4 and 1
      [5, 0, 9, false],
      [6, 4, 0, false],
    ];
    for (const [M, K, N, transposed] of shapes) {
      const a = Float32Array.from({ length: M * K }, () => rng.normal());
      const b = Float32Array.from({ length: K * N }, () => rng.normal());
      const c0 = Float32Array.from({ length: M * N }, () => rng.normal());
      const [sai, sak] = transposed ? [1, M] : [K, 1];
      for (const acc of [0, 1]) {
        const results = [wasm, native].map((r) => {
          const A = r.upload(a);
          const B = r.upload(b);
          const C = r.upload(c0);
          r.call('matmul', [C, A, B, 0, 3, K, N, sai, sak, acc]); // a first row range ...
          r.call('matmul', [C, A, B, 3, M, K, N, sai, sak, acc]); // ... and the rest
          return new Uint32Array(r.f32(C, M * N).slice().buffer);
        });
        expect(Buffer.from(results[1]!.buffer).equals(Buffer.from(results[0]!.buffer)), `${M}x${K}x${N} t=${transposed} acc=${acc}`).toBe(true);
      }
    }
    // a product computed differently would differ: the check can fail
    const A = native.upload(Float32Array.of(1e8, 1, -1e8));
    const B = native.upload(Float32Array.of(1, 1, 1));
    const C = native.floats(1);
    native.call('matmul', [C, A, B, 0, 1, 3, 1, 3, 1, 0]);
    expect(native.f32(C, 1)[0]).toBe(0); // (1e8 + 1) - 1e8 in float32, summed in order
  });

  it.runIf(cpuHasAvx2)('gives the WebAssembly attention bit for bit: training (forward, backward) and cached decoding with left padding', async () => {
    const wasm = await runtimeWith('wasm');
    const native = await runtimeWith('native');
    const rng = new Mulberry32(7);
    const noise = (n: number, scale = 1): Float32Array => Float32Array.from({ length: n }, () => rng.normal() * scale);
    const bits = (r: Runtime, ptr: number, n: number): Buffer => Buffer.from(r.f32(ptr, n).slice().buffer);
    // [B, T, H, dh]: dh 16 and 32 keep the output in registers, 12 and 8 take the general path; odd T hits the tails
    for (const [B, T, H, dh] of [
      [4, 37, 4, 16],
      [3, 29, 2, 32],
      [5, 13, 3, 12],
      [2, 9, 2, 8],
    ] as const) {
      const D = H * dh;
      const S = 3 * D;
      const N = B * T;
      const scale = 1 / Math.sqrt(dh);
      const qkv = noise(N * S, 2);
      const dout = noise(N * D);
      const [a, b] = [wasm, native].map((r) => {
        const q = r.upload(qkv);
        const kT = r.floats(N * D);
        const out = r.floats(N * D);
        const P = r.floats(B * H * T * T);
        const dq = r.floats(N * S, true);
        const scratch = r.floats(B * (dh + 1) * T);
        r.call('keys_t', [kT, q + 4 * D, 0, B, T, H, dh, T * S, S, T, 0]);
        r.call('attention_fwd', [out, P, q, kT, q + 8 * D, 0, 0, B, T, T, H, dh, T * S, S, T, T * S, S, 0, scale]);
        r.call('attention_bwd', [dq, r.upload(dout), P, q, 0, 1, T, H, dh, scale, scratch]); // a first row range ...
        r.call('attention_bwd', [dq, r.upload(dout), P, q, 1, B, T, H, dh, scale, scratch]); // ... and the rest
        return Buffer.concat([bits(r, kT, N * D), bits(r, out, N * D), bits(r, P, B * H * T * T), bits(r, dq, N * S)]);
      });
      expect(b!.equals(a!), `B${B} T${T} H${H} dh${dh}`).toBe(true);
    }
    // one cached decoding step: 6 rows, each with its own left padding (one fully padded: uniform weights)
    const [B, H, dh, Tk] = [6, 2, 16, 21];
    const D = H * dh;
    const q = noise(B * D);
    const kT = noise(B * D * Tk);
    const v = noise(B * Tk * D);
    const [a, b] = [wasm, native].map((r) => {
      const out = r.floats(B * D);
      const P = r.floats(B * H * Tk);
      const pads = r.upload(Int32Array.of(0, 3, 20, 21, 1, 7));
      r.call('attention_fwd', [out, P, r.upload(q), r.upload(kT), r.upload(v), pads, 0, B, 1, Tk, H, dh, D, D, Tk, Tk * D, D, 20, 0.25]);
      return Buffer.concat([bits(r, out, B * D), bits(r, P, B * H * Tk)]);
    });
    expect(b!.equals(a!)).toBe(true);
  });

  it.runIf(cpuHasAvx2)('gives the WebAssembly gelu_new and its gradient bit for bit, over a range split where lanes do not align', async () => {
    const wasm = await runtimeWith('wasm');
    const native = await runtimeWith('native');
    const rng = new Mulberry32(11);
    const n = 1003;
    // wide inputs (tanh saturates, exp clamps) and some exact zeros
    const x = Float32Array.from({ length: n }, (_, i) => (i % 17 === 0 ? 0 : rng.normal() * 6));
    const dy = Float32Array.from({ length: n }, () => rng.normal());
    const [a, b] = [wasm, native].map((r) => {
      const X = r.upload(x);
      const Y = r.floats(n);
      const Y2 = r.floats(n);
      const T = r.floats(n);
      const DX = r.floats(n);
      r.call('gelu_fwd', [Y, T, X, 0, 5]);
      r.call('gelu_fwd', [Y, T, X, 5, n]);
      r.call('gelu_fwd', [Y2, 0, X, 0, n]); // without keeping tanh
      r.call('gelu_bwd', [DX, T, X, r.upload(dy), 0, n]);
      return Buffer.concat([Y, Y2, T, DX].map((p) => Buffer.from(r.f32(p, n).slice().buffer)));
    });
    expect(b!.equals(a!)).toBe(true);
  });

  it.runIf(cpuHasAvx2)("AdamW's native loops give the JavaScript ones' bits: clipping, weight decay on matrices only, several steps", () => {
    const load = loadNative();
    if (!load.ok) throw new Error(load.reason);
    const rng = new Mulberry32(5);
    const n = 1037;
    const specs = [
      { name: 'w', shape: [30, 30], offset: 0, size: 900, decay: true },
      { name: 'b', shape: [137], offset: 900, size: 137, decay: false },
    ];
    const start = Float32Array.from({ length: n }, () => rng.normal() * 0.1);
    const steps = Array.from({ length: 5 }, (_, t) => Float32Array.from({ length: n }, () => rng.normal() * (t === 1 ? 50 : 0.01)));
    const run = (native: boolean): { params: Buffer; norms: number[] } => {
      const opt = new AdamW(specs, n, { weightDecay: 0.1, maxGradNorm: 1 });
      const params = start.slice();
      const norms = steps.map((g, t) => opt.step(params, g, 1e-3 * (t + 1), native ? load.addon : undefined));
      return { params: Buffer.from(params.buffer), norms };
    };
    const js = run(false);
    const nat = run(true);
    expect(js.norms[1]).toBeGreaterThan(1); // the second step is clipped
    expect(nat.norms).toEqual(js.norms);
    expect(nat.params.equals(js.params)).toBe(true);
    expect(nat.params.equals(Buffer.from(start.buffer))).toBe(false);
    expect(() => load.addon.adamw_update(start, start, start, new Float32Array(3), new Uint8Array(n), 1, 0.9, 0.999, 1, 1, 1e-8, 1e-3, 0)).toThrow(
      /differ in length/,
    );
  });

  it.runIf(cpuHasAvx2)('refuses operands outside the kernel memory instead of touching them', async () => {
    const native = await runtimeWith('native');
    const size = native.usage().memory;
    const C = native.floats(4);
    expect(() => native.call('matmul', [C, C, size - 8, 0, 2, 2, 2, 2, 1, 0])).toThrow(/outside the kernel memory/);
    expect(() => native.call('matmul', [C, C, C, 0, 2, 2, 2, -2, 1, 0])).toThrow(/negative size or range/);
    const P = native.floats(2 * 2 * 3 * 3);
    expect(() => native.call('attention_bwd', [C, C, P, size - 16, 0, 2, 3, 2, 8, 0.3, C])).toThrow(/attention_bwd: an operand lies outside/);
    expect(() => native.call('keys_t', [size - 4, C, 0, 1, 3, 1, 4, 12, 4, 3, 0])).toThrow(/keys_t: an operand lies outside/);
    const pads = native.upload(Int32Array.of(-1));
    expect(() => native.call('attention_fwd', [C, P, C, C, C, pads, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1])).not.toThrow(); // a negative padding reads as 0
    expect(() => native.call('gelu_fwd', [C, 0, size - 8, 0, 4])).toThrow(/gelu_fwd: an operand lies outside/);
    // sizes of 0 (the kernels would still touch out, P, scratch), offsets that would overflow
    expect(() => native.call('attention_fwd', [-4, P, C, C, C, 0, 0, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 0, 1])).toThrow(/a zero size/);
    expect(() => native.call('attention_bwd', [C, C, P, C, 0, 1, 3, 2, 0, 0.3, size])).toThrow(/a zero size/);
    expect(() => native.call('attention_fwd', [C, P, C, C, C, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2 ** 31 - 1, 1])).toThrow(/overflows/);
    expect(() => native.call('matmul', [0, 0, 0, 2 ** 31 - 2, 2 ** 31 - 1, 0, 2 ** 31 - 1, 0, 0, 0])).toThrow(/outside the kernel memory/);
    expect(() => native.call('gelu_bwd', [C, C, C, C, 3, 2])).toThrow(/gelu_bwd: negative size or range/);
  });

  it.runIf(cpuHasAvx2)('a padding length overwritten by the kernel itself (pads aliasing out) stays inside the row', async () => {
    const native = await runtimeWith('native');
    // rows b = 0, 1; 1 query, 3 keys, 1 head of size 1: out[0] (row 0's output) is pads[1]
    const buf = native.upload(Float32Array.of(0, 0, 0)); // [pads[0], out[0] = pads[1], out[1]]
    const out = buf + 4;
    const pads = buf;
    const P = native.floats(2 * 3);
    const kT = native.upload(Float32Array.of(1, 1, 1, 1, 1, 1));
    const v = native.upload(Float32Array.of(-2, -2, -2, -2, -2, -2)); // row 0's output -2.0f: bits 0xc0000000 as a padding length
    native.call('attention_fwd', [out, P, kT, kT, v, pads, 0, 2, 1, 3, 1, 1, 1, 1, 3, 3, 1, 2, 1]);
    const p = native.f32(P, 6);
    expect(p[0]! + p[1]! + p[2]!).toBeCloseTo(1, 6);
    expect(p[3]! + p[4]! + p[5]!).toBeCloseTo(1, 6); // row 1 read a negative padding as 0
  });

  it.runIf(cpuHasAvx2)('SFT, DPO, scores and generations are the same bytes on native and WebAssembly kernels, 1 and 2 threads', async () => {
    try {
      const runs: Record<string, Awaited<ReturnType<typeof trainedFingerprint>>> = {};
      for (const [kernels, threads] of [
        ['wasm', 1],
        ['wasm', 2],
        ['native', 1],
        ['native', 2],
      ] as const) {
        process.env.LAMDAGENT_TINYLM_KERNELS = kernels;
        await setThreads(threads);
        expect(engineKernels()).toBe(kernels === 'wasm' ? 'wasm-simd128' : 'native-avx2');
        runs[`${kernels}/${threads}`] = await trainedFingerprint();
      }
      const ref = runs['wasm/1']!;
      for (const key of ['wasm/2', 'native/1', 'native/2']) {
        expect(runs[key]!.weights.equals(ref.weights), key).toBe(true);
        expect(runs[key]!.scores).toEqual(ref.scores);
        expect(runs[key]!.outputs).toEqual(ref.outputs);
      }
    } finally {
      delete process.env.LAMDAGENT_TINYLM_KERNELS;
      await setThreads(2);
    }
  });

  it('LAMDAGENT_TINYLM_KERNELS: auto by default; a bad value names the variable; wasm is always there', async () => {
    expect(kernelsChoice()).toBe('auto');
    process.env.LAMDAGENT_TINYLM_KERNELS = 'gpu';
    expect(() => kernelsChoice()).toThrow('LAMDAGENT_TINYLM_KERNELS must be auto, native or wasm, got "gpu"');
    expect((await runtimeWith('wasm')).kernels).toBe('wasm-simd128');
  });
});
