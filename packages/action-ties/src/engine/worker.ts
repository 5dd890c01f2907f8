/**
 * Worker-thread entry: merges the tensors the main thread sends (built-in methods only). Besides whole
 * tensors (`merge`), a range of a large bf16 tensor is merged in two steps on the same worker (split.ts):
 * `hist` keeps the range's inputs and returns their task-vector histograms, `mix` merges the kept range.
 */
import { parentPort } from 'node:worker_threads';
import '../method/index.js';
import { computeTensor, type ComputeJob } from './compute.js';
import { wasmHistograms, wasmMix, type TrimSelection } from './blocked-wasm.js';

export type WorkerRequest =
  | { id: number; op: 'merge'; job: ComputeJob }
  | { id: number; op: 'hist'; key: string; job: ComputeJob; models: boolean[] }
  | { id: number; op: 'mix'; key: string; job?: ComputeJob; consensus: boolean; selections: TrimSelection[] };

const kept = new Map<string, ComputeJob>();

function owned(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
}

parentPort?.on('message', (msg: WorkerRequest) => {
  try {
    if (msg.op === 'hist') {
      kept.set(msg.key, msg.job);
      const hists = wasmHistograms(msg.job, msg.models);
      parentPort?.postMessage(
        { id: msg.id, hists },
        hists.map((h) => h.buffer as ArrayBuffer),
      );
      return;
    }
    let bytes: Uint8Array;
    if (msg.op === 'mix') {
      const job = msg.job ?? kept.get(msg.key);
      kept.delete(msg.key);
      if (!job) throw new Error(`merge worker: no inputs kept for ${msg.key}`);
      bytes = owned(wasmMix(job, msg.consensus, msg.selections));
    } else {
      bytes = owned(computeTensor(msg.job));
    }
    parentPort?.postMessage({ id: msg.id, bytes }, [bytes.buffer as ArrayBuffer]);
  } catch (error) {
    const e = error as Error & { exitCode?: number };
    parentPort?.postMessage({ id: msg.id, error: { name: e.name, message: e.message, exitCode: e.exitCode } });
  }
});
