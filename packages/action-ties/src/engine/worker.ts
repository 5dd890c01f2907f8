/** Worker-thread entry: merges the tensors the main thread sends (built-in methods only). */
import { parentPort } from 'node:worker_threads';
import '../method/index.js';
import { computeTensor, type ComputeJob } from './compute.js';

parentPort?.on('message', (msg: { id: number; job: ComputeJob }) => {
  try {
    const bytes = computeTensor(msg.job);
    const owned = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
    parentPort?.postMessage({ id: msg.id, bytes: owned }, [owned.buffer as ArrayBuffer]);
  } catch (error) {
    const e = error as Error & { exitCode?: number };
    parentPort?.postMessage({ id: msg.id, error: { name: e.name, message: e.message, exitCode: e.exitCode } });
  }
});
