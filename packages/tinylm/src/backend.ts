/**
 * One-time initialisation of tinylm's compute kernels (WebAssembly SIMD, compiled from native/*.c
 * and shipped as bytes in the package) and of its helper thread.
 */
import { initRuntime, setThreads as setRuntimeThreads, rt } from './engine/runtime.js';

/**
 * Load the kernels (idempotent, safe to call concurrently). Every public entry point of this package
 * awaits it, so calling it yourself is optional.
 */
export async function initBackend(): Promise<void> {
  await initRuntime();
}

/**
 * Number of threads the kernels use: 1, or 2 (the main thread plus one worker; the default on a
 * machine with 2 or more cores, or `LAMDAGENT_TINYLM_THREADS`). Results are bit-for-bit identical
 * either way; only the speed differs.
 */
export async function setThreads(threads: number): Promise<void> {
  await setRuntimeThreads(threads);
}

/** Threads in use (after {@link initBackend}). */
export function engineThreads(): number {
  return rt().threads;
}

/**
 * The kernels in use (after {@link initBackend}): 'native-avx2', the prebuilt native kernels for Linux
 * x86-64 CPUs with AVX2 (matrix product, attention, gelu_new and AdamW's loops; the rest stays WebAssembly), or 'wasm-simd128' everywhere else
 * (`LAMDAGENT_TINYLM_KERNELS=wasm` forces it, `=native` fails when the native kernels cannot load).
 * Results are bit-for-bit identical either way; only the speed differs.
 */
export function engineKernels(): 'native-avx2' | 'wasm-simd128' {
  return rt().kernels;
}
