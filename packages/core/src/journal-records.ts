import { z } from 'zod';
import { JsonValueSchema } from './json.js';
import { ActionRefSchema, EvaluationUsageSchema, InitialScoreRecordSchema, PolicyNoteSchema, TrialRecordSchema, UsageSchema } from './trial.js';

/**
 * Journal records: one JSON object per line, appended and fsync'd. Adding a record kind is one change:
 * a member here, and its case in `StudyState.apply` (the compiler asks for it).
 */
export const JournalRecordSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('study'), version: z.union([z.literal(1), z.literal(2)]), createdAt: z.string(), seed: z.number(), configDigest: z.string() }),
  z.object({ kind: z.literal('trial-start'), index: z.number().int(), action: ActionRefSchema, startedAt: z.string(), policy: PolicyNoteSchema.optional() }),
  z.object({ kind: z.literal('job'), index: z.number().int(), jobId: z.string(), externalId: z.string().optional(), executor: z.string() }),
  z.object({ kind: z.literal('trial-end'), trial: TrialRecordSchema }),
  z.object({
    kind: z.literal('observe'),
    index: z.number().int(),
    state: JsonValueSchema.optional(),
    usage: z.array(UsageSchema).default([]),
    transcript: z.string().optional(),
  }),
  z.object({ kind: z.literal('resume'), at: z.string(), rerun: z.array(z.number().int()) }),
  /**
   * A running trial stopped by the study's interruption (Ctrl-C, SIGTERM): its job was cancelled (its
   * process group killed) and it stays unfinished, so `resume` runs it again.
   */
  z.object({ kind: z.literal('cancel'), index: z.number().int(), at: z.string(), reason: z.string() }),
  /** An observer (experiment tracker) could not take an event after every retry; the study went on. */
  z.object({
    kind: z.literal('observer-failure'),
    at: z.string(),
    observer: z.string(),
    event: z.string(),
    index: z.number().int().optional(),
    attempts: z.number().int(),
    error: z.string(),
  }),
  /** Validation scores of an initial model (configured, not produced), taken once at the study's start; not a trial. */
  InitialScoreRecordSchema,
  /** Scores of a produced model on another split (e.g. held-out test, out-of-distribution tasks). */
  z.object({
    kind: z.literal('evaluate'),
    index: z.number().int(),
    split: z.enum(['validation', 'test']),
    at: z.string(),
    scores: z.record(z.string(), z.number()),
    /** 95% bootstrap interval of each task's score over its items (as in `trial-end`; records before issue 19's last gaps have none). */
    intervals: z.record(z.string(), z.object({ lo: z.number(), hi: z.number() })).optional(),
    /** Tokens an evaluation's LLM (a judge) used for these scores, per task: counted in the study's costs, apart from the agent's. */
    evaluationUsage: z.array(EvaluationUsageSchema).optional(),
  }),
]);
export type JournalRecord = z.infer<typeof JournalRecordSchema>;
export type JournalRecordOf<K extends JournalRecord['kind']> = Extract<JournalRecord, { kind: K }>;

/** The record kinds this version reads; lines of other kinds (a newer version's) are skipped. */
export const JOURNAL_KINDS: ReadonlySet<string> = new Set(JournalRecordSchema.options.map((o) => o.shape.kind.value));
