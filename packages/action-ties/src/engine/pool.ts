import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { MergeOptionsError } from '../errors.js';
import { MERGE_METHODS } from '../methods.js';
import { computeTensor, type ComputeJob } from './compute.js';

/** Built-in methods run in worker threads; a method defined elsewhere runs on the main thread. */
const BUILTIN = new Set<string>([...MERGE_METHODS, 'ties_merging']);

/** The built worker script: next to the bundle, or the package's dist when running from sources. */
function workerScript(): string | undefined {
  const here = import.meta.url;
  const url = here.endsWith('.ts') ? new URL('../../dist/merge-worker.js', here) : new URL('./merge-worker.js', here);
  const path = fileURLToPath(url);
  return existsSync(path) ? path : undefined;
}

interface Pending {
  resolve: (bytes: Uint8Array) => void;
  reject: (error: Error) => void;
}

/** Threads used by default: every core (2 on the reference machine). */
export function defaultThreads(): number {
  return Math.max(1, availableParallelism());
}

/**
 * Merges tensors on worker threads (one job per thread at a time), or on the main thread when
 * `threads` is 0, the worker script is not built, or the method is not built in.
 */
export class ComputePool {
  readonly threads: number;
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: { job: ComputeJob; transfer: ArrayBuffer[]; pending: Pending }[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly busy = new Map<Worker, number>();
  private nextId = 0;
  private failure: Error | undefined;

  constructor(threads: number) {
    const script = threads > 0 ? workerScript() : undefined;
    this.threads = script ? threads : 0;
    for (let i = 0; i < this.threads; i++) {
      // The built worker resolves packages to their built files: drop a `--conditions source` of the parent (tests).
      const execArgv = process.execArgv.filter(
        (a, i, all) => !a.startsWith('--conditions') && !a.startsWith('-C') && !(i > 0 && (all[i - 1] === '--conditions' || all[i - 1] === '-C')),
      );
      const w = new Worker(script as string, { execArgv });
      w.on('message', (msg: { id: number; bytes?: Uint8Array; error?: { name: string; message: string; exitCode?: number } }) => {
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        this.busy.delete(w);
        this.idle.push(w);
        this.pump();
        if (!p) return;
        if (msg.error) {
          const e = msg.error.exitCode === 2 ? new MergeOptionsError(msg.error.message) : new Error(msg.error.message);
          p.reject(e);
        } else p.resolve(msg.bytes as Uint8Array);
      });
      w.on('error', (error) => this.fail(error));
      this.workers.push(w);
      this.idle.push(w);
    }
  }

  /** Merges one tensor; input buffers are transferred to the worker (do not use them afterwards). */
  run(job: ComputeJob): Promise<Uint8Array> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.threads === 0 || !BUILTIN.has(job.method)) {
      return new Promise((resolve, reject) => {
        // yield first so reads already started make progress
        setImmediate(() => {
          try {
            resolve(computeTensor(job));
          } catch (error) {
            reject(error as Error);
          }
        });
      });
    }
    const transfer = [...new Set([job.base, ...job.models].filter((t) => t !== null).map((t) => t.bytes.buffer as ArrayBuffer))];
    return new Promise((resolve, reject) => {
      this.queue.push({ job, transfer, pending: { resolve, reject } });
      this.pump();
    });
  }

  private pump(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const w = this.idle.pop() as Worker;
      const item = this.queue.shift() as (typeof this.queue)[number];
      const id = this.nextId++;
      this.pending.set(id, item.pending);
      this.busy.set(w, id);
      w.postMessage({ id, job: item.job }, item.transfer);
    }
  }

  private fail(error: Error): void {
    this.failure = error;
    for (const p of this.pending.values()) p.reject(error);
    for (const q of this.queue) q.pending.reject(error);
    this.pending.clear();
    this.queue.length = 0;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
