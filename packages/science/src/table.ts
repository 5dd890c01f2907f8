import { existsSync, readFileSync } from 'node:fs';
import { UsageError } from '@lamdagent/core';
import { writeFileAtomic } from '@lamdagent/core/kit';
import { z } from 'zod';

/** One executed action of a tabular benchmark. */
export const TableEntrySchema = z.object({
  /** Config action name and type. */
  action: z.string(),
  type: z.string(),
  /** Names of the inputs, and the chain of actions that made the model (for people). */
  inputs: z.array(z.string()),
  chain: z.string(),
  /** Per-task validation scores (the study's reward is computed from them). */
  validation: z.record(z.string(), z.number()),
  /** Per-task held-out test scores, when they were measured. */
  test: z.record(z.string(), z.number()).optional(),
  /** 95% bootstrap interval of each test score over its items (tables exported before it have none). */
  testIntervals: z.record(z.string(), z.object({ lo: z.number(), hi: z.number() })).optional(),
  seconds: z.number(),
  /**
   * The job seed the action's model was trained with (the study's per-trial seed, or the action-keyed seed of a shared
   * cache), so that `fill` makes the same model again where the table answered it; tables exported before it have none.
   */
  seed: z.number().int().optional(),
  costUsd: z.number().default(0),
  source: z.object({ study: z.string(), trial: z.number().int() }),
});
export type TableEntry = z.infer<typeof TableEntrySchema>;

/** A tabular benchmark: executed actions by action key, for one world (config fingerprint). */
export const BenchTableSchema = z.object({
  kind: z.literal('lamdagent-table'),
  version: z.literal(1),
  fingerprint: z.string(),
  /** Name of the config the studies ran (informative). */
  config: z.string(),
  createdAt: z.string(),
  tasks: z.array(z.string()),
  entries: z.record(z.string(), TableEntrySchema),
  /** Validation scores of the initial models by content digest (studies score them at their start); absent in older tables. */
  initial: z.record(z.string(), z.object({ name: z.string(), validation: z.record(z.string(), z.number()) })).optional(),
});
export type BenchTable = z.infer<typeof BenchTableSchema>;

/** Read and validate a table file; a clear error naming the file and field otherwise. */
export function readTable(file: string): BenchTable {
  if (!existsSync(file)) throw new UsageError(`${file}: table file not found`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`${file}: not JSON (${(e as Error).message})`);
  }
  const r = BenchTableSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new UsageError(`${file}: not a lamdagent table: ${i?.path.join('.') || '(root)'}: ${i?.message ?? ''}`);
  }
  return r.data;
}

export function writeTable(file: string, t: BenchTable): void {
  const sorted: BenchTable = {
    ...t,
    entries: Object.fromEntries(
      Object.keys(t.entries)
        .sort()
        .map((k) => [k, t.entries[k]!]),
    ),
  };
  writeFileAtomic(file, `${JSON.stringify(sorted, null, 1)}\n`);
}

/** Refuse a table built for another world. */
export function checkTableFor(table: BenchTable, file: string, fingerprint: string, configFile: string): void {
  if (table.fingerprint !== fingerprint) {
    throw new UsageError(
      `${file}: table was built for another config (fingerprint ${table.fingerprint.slice(0, 12)}, from ${table.config}); ${configFile} has fingerprint ${fingerprint.slice(0, 12)} (initial objects, actions or tasks differ)`,
    );
  }
}
