import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { JobSpecSchema, type ExecutorContext, type JobSpec } from '@lamdagent/core';
import { acquireOwnerLock, fsyncDir, InProcessExecutor, type LockFormat } from '@lamdagent/core/kit';
import { z } from 'zod';

/** The file a `replay` hit leaves in its output folder instead of a model. */
export const REPLAY_MARKER = 'replay.json';

/** What a replay marker holds. */
export const ReplayMarkerSchema = z.object({
  actionKey: z.string(),
  /** The table that answered the action, and its chain (for people). */
  table: z.string(),
  chain: z.string(),
  /**
   * The job that makes the model, as the study built it (its inputs are model folders, markers or not), with the seed the
   * table's model was trained with: `fill` runs it to put the real model in place of the marker. Markers written before it
   * was kept have none, and cannot be materialized.
   */
  job: JobSpecSchema.optional(),
});
export type ReplayMarker = z.infer<typeof ReplayMarkerSchema>;

/** True when `dir` holds a replay marker: the folder is a model only once the marker is gone (see `materializeModel`). */
export function isReplayMarker(dir: string): boolean {
  return existsSync(path.join(dir, REPLAY_MARKER));
}

/** The job a marker keeps: the spec without its in-job evaluation, with the seed of the model it stands for. */
export function markerJob(spec: JobSpec, seed: number): JobSpec {
  const { evaluation: _evaluation, ...job } = spec;
  return { ...job, seed, smoke: false };
}

function readMarker(dir: string): ReplayMarker {
  const file = path.join(dir, REPLAY_MARKER);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: unreadable replay marker (${(e as Error).message})`);
  }
  const r = ReplayMarkerSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new Error(`${file}: not a replay marker: ${i?.path.join('.') || '(root)'}: ${i?.message ?? ''}`);
  }
  return r.data;
}

export interface MaterializeContext {
  /** The executor context of the job that needs the model (its runners, its cancellation). */
  ctx: ExecutorContext;
  /** Folder for the logs and result manifests of the jobs run here (one sub-folder per action key). */
  jobsDir: string;
  /** Counts what was run: models materialized, and their seconds (wall clock, the waits for locks included). */
  count: { models: number; seconds: number };
}

/** A materialization that could not complete; `cancelled` when the job's signal stopped it. */
export class MaterializeError extends Error {
  override name = 'MaterializeError';
  constructor(
    message: string,
    readonly cancelled = false,
  ) {
    super(message);
  }
}

const real = new InProcessExecutor();

/**
 * Put the real model in place of the replay marker in `dir` (nothing to do when `dir` is a model): run, in-process, the job
 * the marker keeps, after materializing the same way each of its input models that is a marker too (initial models are
 * real folders). Training is deterministic by seed, and the marker keeps the seed the table's model was trained with, so
 * the folder then holds the model the exporting study made.
 *
 * Atomic for readers that check the marker: the job writes into a hidden sibling, whose entries are then moved into `dir`
 * (each by one rename) while the marker is still there, and the marker is removed last. An interrupted materialization
 * leaves the marker (and maybe some of the model's files beside it, replaced by the next attempt); a folder without the
 * marker holds the complete model. One materialization per folder at a time, across processes (a lock file beside it:
 * studies sharing an action cache may need the same model); a waiter then finds the model in place.
 */
export async function materializeModel(dir: string, x: MaterializeContext, depth = 0): Promise<void> {
  if (!isReplayMarker(dir)) return;
  if (depth > 1000) throw new MaterializeError(`${dir}: replay markers nest more than 1000 deep`);
  const t0 = performance.now();
  const release = await lockFolder(dir, x.ctx.signal);
  try {
    if (!isReplayMarker(dir)) return; // another job materialized it while this one waited
    const marker = readMarker(dir);
    if (!marker.job)
      throw new MaterializeError(
        `${path.join(dir, REPLAY_MARKER)}: this replay marker was written before markers kept the job that makes the model; run the study again (a newer @lamdagent/science) to fill from it`,
      );
    for (const input of marker.job.inputs)
      if (typeof input.value === 'string' && isReplayMarker(input.value)) await materializeModel(input.value, x, depth + 1);
    const parent = path.dirname(dir);
    const prefix = `.${path.basename(dir)}.materialize-`;
    // Work folders of attempts that were interrupted (the lock is ours: none is in use).
    for (const name of readdirSync(parent)) if (name.startsWith(prefix)) rmSync(path.join(parent, name), { recursive: true, force: true });
    const tmp = path.join(parent, `${prefix}${process.pid}-${randomUUID().slice(0, 8)}`);
    const key = marker.actionKey.slice(0, 12);
    const spec: JobSpec = { ...marker.job, jobId: `materialize-${key}`, outputDir: tmp, jobDir: path.join(x.jobsDir, key), smoke: false };
    try {
      const m = await real.submit(spec, x.ctx);
      if (m.status !== 'completed') {
        const why = m.error ? `${m.error.type}: ${m.error.message}` : m.status;
        throw new MaterializeError(`${marker.chain} [${key}] (the model of ${dir}) failed to run: ${why}`, m.status === 'cancelled');
      }
      if (!existsSync(tmp)) throw new MaterializeError(`${marker.chain} [${key}] completed but wrote no model folder`);
      install(tmp, dir);
      x.count.models++;
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  } finally {
    release();
    if (depth === 0) x.count.seconds += (performance.now() - t0) / 1000;
  }
}

/** Move the finished model's entries from `tmp` into the marker folder `dir`, then remove the marker: the folder is a model from then on. */
function install(tmp: string, dir: string): void {
  fsyncTree(tmp);
  for (const name of readdirSync(tmp)) {
    if (name === REPLAY_MARKER) continue;
    const dst = path.join(dir, name);
    // A file an interrupted attempt moved in (same bytes: the job is deterministic).
    rmSync(dst, { recursive: true, force: true });
    renameSync(path.join(tmp, name), dst);
  }
  fsyncDir(dir);
  unlinkSync(path.join(dir, REPLAY_MARKER));
  fsyncDir(dir);
}

function fsyncTree(dir: string): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) fsyncTree(p);
    else if (e.isFile()) {
      const fd = openSync(p, 'r');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
  }
  fsyncDir(dir);
}

/** `<pid> <host> <token>` (the order the materialize lock has had since it was added). */
const MATERIALIZE_LOCK_FORMAT: LockFormat = {
  write: (o) => `${o.pid} ${o.host} ${o.token}`,
  read: (text) => {
    const [pidText, host, token] = text.split(' ');
    const pid = Number(pidText);
    return Number.isInteger(pid) && pid > 0 ? { pid, ...(host ? { host } : {}), ...(token ? { token } : {}) } : undefined;
  },
};

/**
 * Lock `.<name>.materialize.lock` beside `dir`, an owner lock (`@lamdagent/core/kit`) holding `<pid> <host> <token>`:
 * waited for while its owner lives, taken over when its owner died on this host (kill -9). Returns the release.
 */
async function lockFolder(dir: string, signal: AbortSignal): Promise<() => void> {
  const file = path.join(path.dirname(dir), `.${path.basename(dir)}.materialize.lock`);
  try {
    return await acquireOwnerLock(file, { format: MATERIALIZE_LOCK_FORMAT, unreadableStaleMs: 10_000, signal, pollMs: 50 });
  } catch (e) {
    if (signal.aborted) throw new MaterializeError(`cancelled while waiting for ${file}`, true);
    throw e;
  }
}
