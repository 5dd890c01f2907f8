/**
 * The runner's log, followed: the lines the runner appended to the job's runner.log (on the shared
 * file system) since this submission or re-attach began go to the context's log. The batch job's
 * stdout (slurm-ID.out) holds only what the runner process printed itself and stays among the
 * result's logs.
 */
import { closeSync, existsSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import type { ExecutorContext, JobSpec } from '@lamdagent/core';
import { jobLogPath } from '@lamdagent/core/kit';

/** A job whose runner log is followed: how many bytes of it were forwarded so far. */
export interface LogCursor {
  spec: JobSpec;
  ctx: ExecutorContext;
  logOffset: number;
}

/** The runner log's size now: where following begins. */
export const runnerLogSize = (spec: JobSpec): number => {
  const file = jobLogPath(spec);
  return existsSync(file) ? statSync(file).size : 0;
};

/** Forward the whole lines appended since `t.logOffset` (at most 1 MiB a call) and move the offset past them. */
export function forwardRunnerLog(t: LogCursor): void {
  if (!t.ctx.onLog) return;
  const file = jobLogPath(t.spec);
  if (!existsSync(file)) return;
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    if (size <= t.logOffset) return;
    const buf = Buffer.alloc(Math.min(size - t.logOffset, 1 << 20));
    const n = readSync(fd, buf, 0, buf.length, t.logOffset);
    const text = buf.subarray(0, n).toString('utf8');
    const end = text.lastIndexOf('\n');
    if (end < 0) return;
    t.logOffset += Buffer.byteLength(text.slice(0, end + 1));
    for (const line of text.slice(0, end).split('\n')) t.ctx.onLog(line);
  } catch {
    /* logs are best effort */
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
