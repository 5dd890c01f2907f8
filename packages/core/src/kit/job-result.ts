import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ResultManifestSchema, type JobError, type JobSpec, type ResultManifest } from '../jobs.js';

/** Log file of a job. */
export function jobLogPath(spec: JobSpec): string {
  return path.join(spec.jobDir, 'runner.log');
}

/** Result manifest file of a job (`result.json` in its job folder). */
export function jobResultPath(spec: JobSpec): string {
  return path.join(spec.jobDir, 'result.json');
}

export type ResultRead = { ok: true; manifest: ResultManifest } | { ok: false; missing: boolean; message: string };

/** Read and validate the result manifest a runner wrote for `spec`; says why when it is missing or malformed. */
export function readResultManifest(spec: JobSpec): ResultRead {
  const file = jobResultPath(spec);
  if (!existsSync(file)) return { ok: false, missing: true, message: `no result manifest at ${file}` };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    return { ok: false, missing: false, message: `${file}: not JSON (${(e as Error).message})` };
  }
  const res = ResultManifestSchema.safeParse(raw);
  if (!res.success)
    return { ok: false, missing: false, message: `${file}: ${res.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}` };
  if (res.data.jobId !== spec.jobId) return { ok: false, missing: false, message: `${file}: jobId ${res.data.jobId} is not ${spec.jobId}` };
  return { ok: true, manifest: res.data };
}

export interface FailedManifestFacts {
  status: Exclude<ResultManifest['status'], 'completed'>;
  /** The error: its type (`ExitCode`, `Signal`, `Timeout`, ...), message, log excerpt, exit code, signal. */
  error: JobError;
  resources: ResultManifest['resources'];
  logs: string[];
  metrics?: Record<string, number>;
}

/** The result manifest of a job that did not complete (what executors return instead of throwing). */
export function failedManifest(spec: JobSpec, f: FailedManifestFacts): ResultManifest {
  return { schemaVersion: 1, jobId: spec.jobId, status: f.status, metrics: f.metrics ?? {}, resources: f.resources, logs: f.logs, error: f.error };
}
