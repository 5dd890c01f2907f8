/** The kernel worker's code (plain JavaScript, run with `new Worker(source, { eval: true })`). */
// Control block (int32 slots): 0 command sequence, 2 kernel index, 3 argument count, 4 chunk claim
// counter (command tag << 16 | next chunk), 5 chunks completed, 6 index of the range argument,
// 7 chunk count, 8 chunk size, 9 set when a kernel failed in the worker; float64 arguments from byte 64.
export const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { module, memory, ctl: ctlPtr, names, spin: SPIN, native, nativeNames } = workerData;
const inst = new WebAssembly.Instance(module, { env: { memory } });
const fns = names.map((n) => inst.exports[n]);
if (native) {
  // The native kernels (runtime.ts) on a byte view of the memory, renewed when the main thread grew it.
  const addon = require(native);
  let heap = new Uint8Array(memory.buffer);
  for (const name of nativeNames) {
    const f = addon[name];
    fns[names.indexOf(name)] = (...args) => {
      if (heap.byteLength !== memory.buffer.byteLength) heap = new Uint8Array(memory.buffer);
      f(heap, ...args);
    };
  }
}
const ctl = new Int32Array(memory.buffer, ctlPtr, 16);
const args = new Float64Array(memory.buffer, ctlPtr + 64, 24);
let seen = 0;
parentPort.postMessage('ready');
for (;;) {
  // Spin a little before sleeping: kernels come in quick succession during a step, and waking a
  // sleeping thread costs tens of microseconds each time.
  for (let i = 0; i < SPIN && Atomics.load(ctl, 0) === seen; i++);
  if (Atomics.load(ctl, 0) === seen) Atomics.wait(ctl, 0, seen);
  seen = Atomics.load(ctl, 0);
  if (seen < 0) {
    if (native) require(native).release(); // the native kernels' buffers of this thread
    break;
  }
  const tag = seen & 0x7fff;
  const f = fns[ctl[2]];
  const n = ctl[3], at = ctl[6], chunks = ctl[7], size = ctl[8];
  const a = new Array(n);
  for (let i = 0; i < n; i++) a[i] = args[i];
  const lo = a[at], hi = a[at + 1];
  for (;;) {
    const v = Atomics.load(ctl, 4);
    if ((v >>> 16) !== tag || (v & 0xffff) >= chunks) break;
    if (Atomics.compareExchange(ctl, 4, v, v + 1) !== v) continue;
    const c = v & 0xffff;
    a[at] = lo + c * size;
    a[at + 1] = Math.min(hi, lo + (c + 1) * size);
    try { f(...a); } catch (e) { Atomics.store(ctl, 9, 1); parentPort.postMessage(String(e)); }
    Atomics.add(ctl, 5, 1);
    Atomics.notify(ctl, 5);
  }
}
`;
