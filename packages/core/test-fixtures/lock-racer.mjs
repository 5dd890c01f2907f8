// A process that races for a study lock: waits until START (epoch ms), tries StudyLock.acquire(DIR),
// holds it for HOLD ms if it got it, and prints one JSON line with the times (ms, sub-ms precision).
import { StudyLock } from '../dist/index.js';

const [dir, start, hold] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const now = () => performance.timeOrigin + performance.now();
while (now() < start) {
  /* spin until the common start instant */
}
try {
  const lock = StudyLock.acquire(dir);
  const got = now();
  while (now() < got + hold) {
    /* hold */
  }
  const released = now();
  lock.release();
  console.log(JSON.stringify({ pid: process.pid, got, released }));
} catch (e) {
  console.log(JSON.stringify({ pid: process.pid, refused: e.message }));
}
