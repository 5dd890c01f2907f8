// Schemas of the files the dashboard reads besides the journal, and path checks that keep reads inside a study.
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** `baselines.json` (optional, in a study folder): rows shown beside the top-k models, as in Table 1. */
export const BaselinesSchema = z.array(
  z
    .object({
      name: z.string().min(1),
      scores: z.record(z.string(), z.number()),
      split: z.enum(['validation', 'test']),
    })
    .strict(),
);

/** A transcript file: the JSON array of `{step, role, content}` the study loop writes under `jobs/tNNNN/`. */
export const TranscriptSchema = z.array(z.object({ step: z.string(), role: z.string(), content: z.string() }));

/**
 * An evaluation of a trial's model on another split, journaled by a future `lamdagent evaluate --split test`.
 * Read leniently (core's journal schema does not list it yet): `kind` `evaluate` or `evaluation`, the trial
 * as `index` or `trial`, scores as a `{task: score}` map or a list of `{task, score}` results.
 */
export const EvaluationRecordSchema = z
  .object({
    kind: z.enum(['evaluate', 'evaluation']),
    index: z.number().int().min(0).optional(),
    trial: z.number().int().min(0).optional(),
    split: z.string().min(1),
    scores: z.record(z.string(), z.number()).optional(),
    results: z.array(z.object({ task: z.string(), score: z.number() }).passthrough()).optional(),
    reward: z.number().optional(),
    at: z.string().optional(),
  })
  .passthrough()
  .refine((r) => r.index !== undefined || r.trial !== undefined, { message: 'names no trial (index)' })
  .refine((r) => r.scores !== undefined || r.results !== undefined, { message: 'has no scores' });

/** The parts of a study snapshot's config the dashboard shows (the full config was validated when the study ran). */
export const ConfigSummarySchema = z
  .object({
    name: z.string().optional(),
    seed: z.number().optional(),
    budget: z.object({ iterations: z.number().optional() }).passthrough().optional(),
    policy: z.union([z.string(), z.object({ name: z.string() }).passthrough()]).optional(),
    topK: z.number().int().positive().optional(),
    tasks: z
      .array(
        z.union([
          z.tuple([z.string(), z.string()]),
          z.object({ name: z.string(), metric: z.string().optional(), max: z.number().optional(), inReward: z.boolean().optional() }).passthrough(),
        ]),
      )
      .optional(),
  })
  .passthrough();

/** Largest file the dashboard reads whole (transcripts, baselines). */
export const MAX_READ_BYTES = 8 * 1024 * 1024;

/**
 * Resolves `rel` inside `root` (both through symlinks) and refuses anything that would leave it: absolute
 * paths, `..`, links pointing out. Returns the real path, or an error message.
 */
export function insideStudy(root: string, rel: string): { ok: true; file: string } | { ok: false; why: string } {
  if (path.isAbsolute(rel) || rel.includes('\0')) return { ok: false, why: `not a relative path inside the study: ${rel}` };
  let realRoot: string;
  let real: string;
  try {
    realRoot = realpathSync(root);
    real = realpathSync(path.resolve(realRoot, rel));
  } catch {
    return { ok: false, why: `missing: ${rel}` };
  }
  const r = path.relative(realRoot, real);
  if (r === '' || r.startsWith('..') || path.isAbsolute(r)) return { ok: false, why: `outside the study folder: ${rel}` };
  return { ok: true, file: real };
}

/** Reads a regular file of at most `max` bytes (never blocks on a FIFO, never reads a huge file whole). */
export function readSmallFile(file: string, max = MAX_READ_BYTES): string {
  if (!statSync(file).isFile()) throw new Error(`${path.basename(file)} is not a regular file`);
  const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new Error(`${path.basename(file)} is not a regular file`);
    if (st.size > max) throw new Error(`${path.basename(file)} is too large (${st.size} bytes, limit ${max})`);
    const buf = Buffer.alloc(st.size);
    let n = 0;
    while (n < st.size) {
      const got = readSync(fd, buf, n, st.size - n, n);
      if (got === 0) break;
      n += got;
    }
    return buf.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
