import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { MergeOptionsError } from '../errors.js';
import { MERGE_METHODS } from '../methods.js';
import { computeTensor, type ComputeJob } from './compute.js';
import type { WorkerRequest } from './worker.js';

/** Built-in methods run in worker threads; a method defined elsewhere runs on the main thread. */
const BUILTIN = new Set<string>([...MERGE_METHODS, 'ties_merging']);

/** The built worker script: next to the bundle, or the package's dist when running from sources. */
function workerScript(): string | undefined {
  const here = import.meta.url;
  const url = here.endsWith('.ts') ? new URL('../../dist/merge-worker.js', here) : new URL('./merge-worker.js', here);
  const path = fileURLToPath(url);
  return existsSync(path) ? path : undefined;
}

/** A worker's reply: merged bytes, or (for `hist`) one histogram per model. */
export interface WorkerReply {
  bytes?: Uint8Array;
  hists?: Uint32Array[];
}

interface Pending {
  resolve: (reply: WorkerReply) => void;
  reject: (error: Error) => void;
}

type Request = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

interface Queued {
  request: Request;
  transfer: ArrayBuffer[];
  /** Worker index the request must run on (its inputs are kept there), or undefined for any. */
  worker: number | undefined;
  pending: Pending;
}

/** Threads used by default: every core (2 on the reference machine). */
export function defaultThreads(): number {
  return Math.max(1, availableParallelism());
}

/** The distinct buffers behind a job's inputs, to transfer to a worker. */
export function transferOf(job: ComputeJob): ArrayBuffer[] {
  return [...new Set([job.base, ...job.models].filter((t) => t !== null).map((t) => t.bytes.buffer as ArrayBuffer))];
}

/**
 * Merges tensors on worker threads (one request per thread at a time), or on the main thread when
 * `threads` is 0, the worker script is not built, or the method is not built in. Requests may be pinned
 * to one worker (`runOn`): the two steps of a split tensor's range run where its inputs are kept.
 */
export class ComputePool {
  readonly threads: number;
  /** Tensors merged split across the workers (counted by the caller, reported in the merge result). */
  splitTensors = 0;
  /** Input bytes the worker threads read from the files themselves (split tensors' ranges). */
  bytesRead = 0;
  private readonly workers: Worker[] = [];
  private readonly idle = new Set<number>();
  private readonly queue: Queued[] = [];
  private readonly pending = new Map<number, Pending>();
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
      const index = i;
      w.on('message', (msg: { id: number; bytes?: Uint8Array; hists?: Uint32Array[]; error?: { name: string; message: string; exitCode?: number } }) => {
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        this.idle.add(index);
        this.pump();
        if (!p) return;
        if (msg.error) {
          const e = msg.error.exitCode === 2 ? new MergeOptionsError(msg.error.message) : new Error(msg.error.message);
          p.reject(e);
        } else p.resolve({ ...(msg.bytes ? { bytes: msg.bytes } : {}), ...(msg.hists ? { hists: msg.hists } : {}) });
      });
      w.on('error', (error) => this.fail(error));
      this.workers.push(w);
      this.idle.add(i);
    }
  }

  /** True when requests run on worker threads (so a tensor may be split across them). */
  get parallel(): boolean {
    return this.threads > 1;
  }

  /** Merges one tensor; input buffers are transferred to the worker (do not use them afterwards). */
  async run(job: ComputeJob): Promise<Uint8Array> {
    if (this.failure) throw this.failure;
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
    const reply = await this.request({ op: 'merge', job }, transferOf(job), undefined);
    return reply.bytes as Uint8Array;
  }

  /** Sends one request to worker `worker` (0 <= worker < threads), after the requests queued before it. */
  runOn(worker: number, request: Request, transfer: ArrayBuffer[]): Promise<WorkerReply> {
    if (this.failure) return Promise.reject(this.failure);
    return this.request(request, transfer, worker);
  }

  private request(request: Request, transfer: ArrayBuffer[], worker: number | undefined): Promise<WorkerReply> {
    return new Promise((resolve, reject) => {
      this.queue.push({ request, transfer, worker, pending: { resolve, reject } });
      this.pump();
    });
  }

  private pump(): void {
    // the second step of a split tensor first: it finishes a tensor the writer waits for, and frees its inputs
    this.dispatch((item) => item.request.op === 'mix');
    this.dispatch(() => true);
  }

  private dispatch(wanted: (item: Queued) => boolean): void {
    for (let q = 0; q < this.queue.length && this.idle.size > 0;) {
      const item = this.queue[q] as Queued;
      if (!wanted(item)) {
        q++;
        continue;
      }
      const w = item.worker ?? this.idle.values().next().value;
      if (w === undefined || !this.idle.has(w)) {
        q++;
        continue;
      }
      this.queue.splice(q, 1);
      this.idle.delete(w);
      const id = this.nextId++;
      this.pending.set(id, item.pending);
      (this.workers[w] as Worker).postMessage({ id, ...item.request }, item.transfer);
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
