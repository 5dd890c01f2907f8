/**
 * The kernel runtime: tinylm's WebAssembly kernels (native/*.c) on one shared memory, a bump
 * arena for the buffers of one synchronous computation, and an optional helper thread.
 *
 * With two threads, the main thread and one worker instantiate the same module on the same shared
 * memory; a kernel call is split into two disjoint row (or column) ranges, the worker runs one and
 * the main thread the other. Kernels compute every output element in the same order whatever the
 * range, so results are bit-for-bit identical with 1 or 2 threads. Where the native kernels load
 * (native.ts), both threads run them (native.ts's NATIVE_KERNELS) on the same memory, with the same bits.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { KERNELS_WASM_BASE64 } from '../kernels-wasm.js';
import { chooseNative, NATIVE_KERNELS, type NativeAdamW, type NativeKernel } from './native.js';
import { WORKER_SOURCE } from './worker-source.js';

export const KERNEL_NAMES = [
  'matmul',
  'transpose',
  'add_bias',
  'col_sum',
  'add',
  'embed_fwd',
  'embed_bwd',
  'layernorm_fwd',
  'layernorm_bwd_x',
  'layernorm_bwd_params',
  'gelu_fwd',
  'gelu_bwd',
  'keys_t',
  'attention_fwd',
  'attention_bwd',
  'logprobs_fwd',
  'logprobs_bwd',
  'argmax_rows',
] as const;
export type KernelName = (typeof KERNEL_NAMES)[number];
type KernelFn = (...args: number[]) => void;

/** The slice of the WebAssembly JS API used here (this project's TypeScript libs do not declare it). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmInstance {
  readonly exports: Record<string, unknown>;
}
type WasmModule = object;
interface WasmApi {
  compile(bytes: Uint8Array): Promise<WasmModule>;
  instantiate(module: WasmModule, imports: object): Promise<WasmInstance>;
  Memory: new (desc: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

const PAGE = 65536;
const MAX_PAGES = 32768; // 2 GiB, as declared by the module (native/build.sh)
const CTL_BYTES = 256; // control block: 16 int32 slots + up to 24 float64 arguments (see WORKER_SOURCE)
/** Below this many multiply-adds (or element operations) a kernel runs on one thread. */
const MIN_PARALLEL_WORK = 150_000;
/**
 * Polls of the control block before a thread sleeps (tens of microseconds): a step's kernels follow one
 * another closely, and a futex wake-up costs about as much as a small kernel.
 */
const DEFAULT_SPIN = 20_000;

/** Polls before a kernel thread sleeps: LAMDAGENT_TINYLM_SPIN (0 sleeps at once), else 20,000. */
export function spinPolls(): number {
  const env = process.env.LAMDAGENT_TINYLM_SPIN;
  if (env === undefined || env === '') return DEFAULT_SPIN;
  const n = Number(env);
  if (!Number.isInteger(n) || n < 0) throw new Error(`LAMDAGENT_TINYLM_SPIN must be a non-negative integer, got "${env}"`);
  return n;
}

/** Threads to use when none are configured: LAMDAGENT_TINYLM_THREADS, else min(2, cores). */
export function defaultThreads(): number {
  const env = process.env.LAMDAGENT_TINYLM_THREADS;
  if (env !== undefined && env !== '') {
    const n = Number(env);
    if (!Number.isInteger(n) || n < 1) throw new Error(`LAMDAGENT_TINYLM_THREADS must be a positive integer, got "${env}"`);
    return Math.min(2, n);
  }
  return Math.min(2, availableParallelism());
}

export class Runtime {
  private readonly fns: KernelFn[];
  /** Each kernel's argument count (the WebAssembly function's). */
  private readonly arity: number[];
  private top: number;
  private seq = 0;
  private readonly ctl: Int32Array;
  private readonly args: Float64Array;
  private worker: Worker | undefined;
  private peak: number;
  private workerError = '';
  private readonly spin = spinPolls();
  /** The kernel memory as bytes, for the native kernel (renewed when the memory grows). */
  private heap: Uint8Array;

  private constructor(
    private readonly memory: WasmMemory,
    instance: WasmInstance,
    private readonly base: number,
    private readonly native: NativeKernel | undefined,
  ) {
    this.fns = KERNEL_NAMES.map((n) => instance.exports[n] as KernelFn);
    this.heap = new Uint8Array(memory.buffer);
    this.arity = this.fns.map((f) => f.length);
    if (native) {
      const { addon } = native;
      for (const name of NATIVE_KERNELS) {
        const f = addon[name];
        this.fns[KERNEL_NAMES.indexOf(name)] = (...args: number[]) => f(this.heap, ...args);
      }
    }
    this.ctl = new Int32Array(memory.buffer, base, 16);
    this.args = new Float64Array(memory.buffer, base + 64, 24);
    this.top = base + CTL_BYTES;
    this.peak = this.top;
  }

  static async create(threads: number): Promise<Runtime> {
    const module = await WA.compile(Buffer.from(KERNELS_WASM_BASE64, 'base64'));
    const memory = new WA.Memory({ initial: 64, maximum: MAX_PAGES, shared: true });
    const instance = await WA.instantiate(module, { env: { memory } });
    const heapBase = (instance.exports.__heap_base as { value: number }).value;
    const rt = new Runtime(memory, instance, align(heapBase), chooseNative());
    if (threads > 1) await rt.startWorker(module);
    return rt;
  }

  get threads(): number {
    return this.worker ? 2 : 1;
  }

  /** AdamW's native loops when the native kernels are in use (src/adamw.ts otherwise runs its own). */
  get adamw(): NativeAdamW | undefined {
    return this.native?.addon;
  }

  /** The kernels in use: 'native-avx2' (native.ts's NATIVE_KERNELS and AdamW native) or 'wasm-simd128'. */
  get kernels(): 'native-avx2' | 'wasm-simd128' {
    return this.native ? 'native-avx2' : 'wasm-simd128';
  }

  private async startWorker(module: WasmModule): Promise<void> {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { module, memory: this.memory, ctl: this.base, names: KERNEL_NAMES, spin: this.spin, native: this.native?.path, nativeNames: NATIVE_KERNELS },
    });
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
    });
    worker.on('message', (m: unknown) => {
      this.workerError = String(m);
    });
    worker.unref();
    this.worker = worker;
  }

  /** Stop the helper thread (the runtime keeps working on one thread). */
  async close(): Promise<void> {
    const w = this.worker;
    if (!w) return;
    this.worker = undefined;
    Atomics.store(this.ctl, 0, -1);
    Atomics.notify(this.ctl, 0);
    await w.terminate();
  }

  /** Allocate `bytes` (16-byte aligned) in the arena; returns the byte address. */
  alloc(bytes: number): number {
    const ptr = this.top;
    const end = align(ptr + bytes);
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      const pages = Math.ceil((end - have) / PAGE);
      if (have / PAGE + pages > MAX_PAGES) throw new Error(`tinylm: kernel memory limit reached (${end} bytes requested)`);
      this.memory.grow(Math.max(pages, Math.ceil(have / PAGE / 4)));
      this.heap = new Uint8Array(this.memory.buffer);
    }
    this.top = end;
    if (end > this.peak) this.peak = end;
    return ptr;
  }

  /** Allocate n float32 values (zeroed when asked). */
  floats(n: number, zero = false): number {
    const p = this.alloc(4 * n);
    if (zero) this.f32(p, n).fill(0);
    return p;
  }

  /** Copy a typed array into the arena; returns its address. */
  upload(data: Float32Array | Int32Array): number {
    const p = this.alloc(data.byteLength);
    new Uint8Array(this.memory.buffer, p, data.byteLength).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    return p;
  }

  f32(ptr: number, n: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, n);
  }

  i32(ptr: number, n: number): Int32Array {
    return new Int32Array(this.memory.buffer, ptr, n);
  }

  mark(): number {
    return this.top;
  }

  release(mark: number): void {
    this.top = mark;
  }

  /** Arena bytes in use now, and the most ever used (the wasm memory never shrinks). */
  usage(): { used: number; peak: number; memory: number } {
    return { used: this.top - this.base, peak: this.peak - this.base, memory: this.memory.buffer.byteLength };
  }

  /** Run `args` (with `args[at]`, `args[at + 1]` a range) on one thread. */
  call(name: KernelName, args: number[]): void {
    this.kernel(name, args)(...args);
  }

  private kernel(name: KernelName, args: readonly number[]): KernelFn {
    const i = KERNEL_NAMES.indexOf(name);
    if (this.arity[i] !== args.length) throw new Error(`tinylm: kernel ${name} takes ${this.arity[i]} arguments, got ${args.length}`);
    return this.fns[i] as KernelFn;
  }

  /**
   * Run a kernel whose arguments `at` and `at + 1` are a half-open range. When `work` (multiply-adds
   * or element operations) is large enough and a worker exists, the range is cut into chunks (multiples
   * of 4 rows) that the two threads claim from a shared counter: a busy or late worker only means the
   * main thread does more chunks. Which thread runs a chunk never changes its values.
   */
  run(name: KernelName, args: number[], at: number, work: number): void {
    const lo = args[at] as number;
    const hi = args[at + 1] as number;
    const fn = this.kernel(name, args);
    if (!this.worker || work < MIN_PARALLEL_WORK || hi - lo < 8) {
      fn(...args);
      return;
    }
    const wanted = Math.min(8, Math.max(2, Math.floor(work / MIN_PARALLEL_WORK)));
    const size = Math.ceil((hi - lo) / wanted / 4) * 4;
    const chunks = Math.ceil((hi - lo) / size);
    const { ctl, args: slot } = this;
    for (let i = 0; i < args.length; i++) slot[i] = args[i] as number;
    ctl[2] = KERNEL_NAMES.indexOf(name);
    ctl[3] = args.length;
    ctl[6] = at;
    ctl[7] = chunks;
    ctl[8] = size;
    const seq = (this.seq = (this.seq + 1) & 0x3fffffff || 1);
    const tag = seq & 0x7fff;
    Atomics.store(ctl, 5, 0);
    Atomics.store(ctl, 4, tag << 16);
    Atomics.store(ctl, 0, seq);
    Atomics.notify(ctl, 0, 1);
    const mine = args.slice();
    // A chunk that throws still counts as done, and the call waits for the worker's chunks before it
    // throws, so that no late completion is counted toward the next call.
    let failure: unknown;
    for (;;) {
      const v = Atomics.load(ctl, 4);
      if (v >>> 16 !== tag || (v & 0xffff) >= chunks) break;
      if (Atomics.compareExchange(ctl, 4, v, v + 1) !== v) continue;
      const c = v & 0xffff;
      mine[at] = lo + c * size;
      mine[at + 1] = Math.min(hi, lo + (c + 1) * size);
      try {
        if (failure === undefined) fn(...mine);
      } catch (error) {
        failure = error;
      }
      Atomics.add(ctl, 5, 1);
    }
    for (let i = 0; i < this.spin && Atomics.load(ctl, 5) < chunks; i++);
    for (let done = Atomics.load(ctl, 5); done < chunks; done = Atomics.load(ctl, 5)) Atomics.wait(ctl, 5, done, 100);
    if (failure !== undefined) {
      Atomics.store(ctl, 9, 0);
      throw failure;
    }
    if (Atomics.load(ctl, 9) !== 0) {
      Atomics.store(ctl, 9, 0);
      throw new Error(`tinylm: kernel ${name} failed in the worker thread ${this.workerError}`.trimEnd());
    }
  }
}

function align(n: number): number {
  return (n + 15) & ~15;
}

let shared: Promise<Runtime> | undefined;
let configured: number | undefined;

/** The process-wide runtime (created on first use with {@link defaultThreads} or the configured count). */
export function runtime(): Promise<Runtime> {
  shared ??= Runtime.create(configured ?? defaultThreads()).catch((error: unknown) => {
    shared = undefined;
    throw error;
  });
  return shared;
}

/** Set the number of kernel threads (1 or 2); recreates the runtime if it already exists. */
export async function setThreads(threads: number): Promise<void> {
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`tinylm: threads must be a positive integer, got ${threads}`);
  configured = Math.min(2, threads);
  const old = shared;
  shared = undefined;
  if (old) await (await old).close();
  current = await runtime();
}

let current: Runtime | undefined;

/** The runtime for synchronous code; {@link initRuntime} must have been awaited. */
export function rt(): Runtime {
  if (!current) throw new Error('tinylm: the kernel runtime is not initialised (await initBackend() first)');
  return current;
}

/** Create (or fetch) the runtime and make it the one {@link rt} returns. */
export async function initRuntime(): Promise<Runtime> {
  current = await runtime();
  return current;
}
