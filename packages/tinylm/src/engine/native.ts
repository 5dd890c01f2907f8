/**
 * tinylm's optional native kernels: the matrix product, attention and gelu_new on AVX2 (native/x64/), shipped
 * prebuilt for Linux x86-64 in prebuilds/. They give bit-for-bit the WebAssembly kernels' results, 2-3x
 * faster, and replace them when they load; everywhere else the WebAssembly kernels run alone.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Which kernels to use: LAMDAGENT_TINYLM_KERNELS = auto (default) | native | wasm. */
export type KernelsChoice = 'auto' | 'native' | 'wasm';

export function kernelsChoice(): KernelsChoice {
  const env = process.env.LAMDAGENT_TINYLM_KERNELS;
  if (env === undefined || env === '') return 'auto';
  if (env === 'auto' || env === 'native' || env === 'wasm') return env;
  throw new Error(`LAMDAGENT_TINYLM_KERNELS must be auto, native or wasm, got "${env}"`);
}

/** The kernels the addon replaces (same names and arguments as the WebAssembly ones in runtime.ts). */
export const NATIVE_KERNELS = ['matmul', 'keys_t', 'attention_fwd', 'attention_bwd', 'gelu_fwd', 'gelu_bwd'] as const;
export type NativeKernelName = (typeof NATIVE_KERNELS)[number];

/** The addon: each kernel takes a Uint8Array over the kernel memory, then the WebAssembly kernel's arguments. */
export type NativeAddon = Record<NativeKernelName, (memory: Uint8Array, ...args: number[]) => void> &
  NativeAdamW & {
    avx2(): boolean;
    /** Free the calling thread's buffers. */
    release(): void;
  };

/** AdamW's two loops on the host's buffers (native/x64/adamw.c; src/adamw.ts holds their JavaScript twins). */
export interface NativeAdamW {
  /** Sum of g[i]^2 in index order, in double. */
  adamw_squares(grads: Float32Array): number;
  adamw_update(
    params: Float32Array,
    grads: Float32Array,
    m: Float32Array,
    v: Float32Array,
    decayMask: Uint8Array,
    scale: number,
    b1: number,
    b2: number,
    c1: number,
    c2: number,
    eps: number,
    lr: number,
    decay: number,
  ): void;
}

/** A loaded native kernel: the addon and the file it came from (which the worker thread loads too). */
export interface NativeKernel {
  path: string;
  addon: NativeAddon;
}

export type NativeLoad = ({ ok: true } & NativeKernel) | { ok: false; reason: string };

const FILE = 'tinylm-kernels.node';
const PACKAGE = '@lamdagent/tinylm';

/**
 * The prebuild's path for this platform, if it exists: under this package's root, found from this module
 * (dist/ when bundled, src/engine/ in tests) as the nearest folder whose package.json is this package's.
 */
function prebuildPath(): string | undefined {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 3; up++, dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    let name: unknown;
    try {
      name = (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name;
    } catch {
      return undefined;
    }
    if (name !== PACKAGE) return undefined;
    const file = path.join(dir, 'prebuilds', `${process.platform}-${process.arch}`, FILE);
    return existsSync(file) ? file : undefined;
  }
  return undefined;
}

/** Load the native kernels if this platform has a prebuild and the CPU can run it. */
export function loadNative(): NativeLoad {
  const file = prebuildPath();
  if (!file) return { ok: false, reason: `no prebuilt native kernel for ${process.platform}-${process.arch}` };
  let addon: NativeAddon;
  try {
    addon = createRequire(import.meta.url)(file) as NativeAddon;
  } catch (error) {
    return { ok: false, reason: `the native kernel ${file} did not load: ${(error as Error).message}` };
  }
  if (!addon.avx2()) return { ok: false, reason: 'this CPU lacks AVX2' };
  const missing = [...NATIVE_KERNELS, 'adamw_squares', 'adamw_update', 'release'].filter((k) => typeof addon[k as keyof NativeAddon] !== 'function');
  if (missing.length > 0) return { ok: false, reason: `the native kernel ${file} lacks ${missing.join(', ')}` };
  return { ok: true, path: file, addon };
}

/** The native kernel to use under {@link kernelsChoice}, or undefined for WebAssembly alone. */
export function chooseNative(): NativeKernel | undefined {
  const choice = kernelsChoice();
  if (choice === 'wasm') return undefined;
  const load = loadNative();
  if (!load.ok && choice === 'native') throw new Error(`LAMDAGENT_TINYLM_KERNELS=native: ${load.reason}`);
  return load.ok ? load : undefined;
}
