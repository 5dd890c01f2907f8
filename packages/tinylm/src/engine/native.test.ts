import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { Mulberry32 } from '@lamdagent/core/kit';
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

describe('native kernel (Linux x86-64, AVX2)', () => {
  it.skipIf(!hasGcc && process.env.CI !== 'true')('the committed prebuild matches a rebuild of native/x64/kernels-x64.c', () => {
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

  it.runIf(cpuHasAvx2)('refuses operands outside the kernel memory instead of touching them', async () => {
    const native = await runtimeWith('native');
    const size = native.usage().memory;
    const C = native.floats(4);
    expect(() => native.call('matmul', [C, C, size - 8, 0, 2, 2, 2, 2, 1, 0])).toThrow(/outside the kernel memory/);
    expect(() => native.call('matmul', [C, C, C, 0, 2, 2, 2, -2, 1, 0])).toThrow(/negative size or range/);
  });

  it.runIf(cpuHasAvx2)('SFT, DPO, scores and generations are the same bytes on native and WebAssembly kernels, 1 and 2 threads', async () => {
    try {
      const runs: Record<string, Awaited<ReturnType<typeof trainedFingerprint>>> = {};
      for (const [kernels, threads] of [
        ['wasm', 1],
        ['native', 1],
        ['native', 2],
      ] as const) {
        process.env.LAMDAGENT_TINYLM_KERNELS = kernels;
        await setThreads(threads);
        expect(engineKernels()).toBe(kernels === 'wasm' ? 'wasm-simd128' : 'native-avx2');
        runs[`${kernels}/${threads}`] = await trainedFingerprint();
      }
      const ref = runs['wasm/1']!;
      for (const key of ['native/1', 'native/2']) {
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
