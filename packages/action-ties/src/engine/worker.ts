/**
 * Worker-thread entry: merges the tensors the main thread sends (built-in methods only). Besides whole
 * tensors (`merge`), a range of a large bf16 tensor is merged in two steps on the same worker (split.ts,
 * range.ts): `hist` reads the range's inputs from their files into the kernel's memory, keeps them and
 * returns their task-vector histograms, `mix` merges the kept range.
 */
import { parentPort } from 'node:worker_threads';
import '../method/index.js';
import { computeTensor, type ComputeJob } from './compute.js';
import type { TrimSelection } from './blocked-wasm.js';
import { rangeHistograms, rangeMix, type FileSpan } from './range.js';

export type WorkerRequest =
  | { id: number; op: 'merge'; job: ComputeJob }
  | { id: number; op: 'hist'; key: string; sources: FileSpan[]; models: boolean[] }
  | {
      id: number;
      op: 'mix';
      key: string;
      settings: Pick<ComputeJob, 'params' | 'modelParams'>;
      consensus: boolean;
      selections: TrimSelection[];
      /** Where the range's output goes in the output file (the worker writes it), or none: sent back. */
      out?: FileSpan;
    };

function owned(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
}

parentPort?.on('message', (msg: WorkerRequest) => {
  try {
    if (msg.op === 'hist') {
      const hists = rangeHistograms(msg.key, msg.sources, msg.models);
      parentPort?.postMessage(
        { id: msg.id, hists },
        hists.map((h) => h.buffer as ArrayBuffer),
      );
      return;
    }
    let bytes: Uint8Array;
    if (msg.op === 'mix') {
      bytes = rangeMix(msg.key, msg.settings, msg.consensus, msg.selections, msg.out);
    } else {
      bytes = owned(computeTensor(msg.job));
    }
    parentPort?.postMessage({ id: msg.id, bytes }, [bytes.buffer as ArrayBuffer]);
  } catch (error) {
    const e = error as Error & { exitCode?: number };
    parentPort?.postMessage({ id: msg.id, error: { name: e.name, message: e.message, exitCode: e.exitCode } });
  }
});
