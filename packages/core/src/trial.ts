import { z } from 'zod';
import { JsonValueSchema } from './json.js';
import { JobErrorSchema } from './jobs.js';

export const TrialStateSchema = z.enum(['running', 'complete', 'failed', 'cached']);
export type TrialState = z.infer<typeof TrialStateSchema>;

export const ActionRefSchema = z.object({
  name: z.string(),
  type: z.string(),
  key: z.string(),
  inputs: z.array(z.object({ id: z.string(), name: z.string(), kind: z.string() })),
  params: z.record(z.string(), JsonValueSchema).default({}),
});
export type ActionRef = z.infer<typeof ActionRefSchema>;

/** Tokens and cost of one agent-LLM call. */
export const UsageSchema = z.object({
  step: z.string(),
  inputTokens: z.number(),
  outputTokens: z.number(),
  costUsd: z.number().default(0),
});
export type Usage = z.infer<typeof UsageSchema>;

/** Tokens and cost of an evaluation's LLM (a judge) on one task of a trial: counted apart from the agent's. */
export const EvaluationUsageSchema = z.object({
  task: z.string(),
  model: z.string().optional(),
  inputTokens: z.number(),
  outputTokens: z.number(),
  requests: z.number().int().optional(),
  costUsd: z.number().default(0),
});
export type EvaluationUsage = z.infer<typeof EvaluationUsageSchema>;

/** A partial evaluation (see `TrialRecord.partial`). */
export const PartialEvaluationSchema = z.object({
  slice: z.number(),
  estimate: z.number(),
  lo: z.number(),
  hi: z.number(),
  threshold: z.number(),
  items: z.record(z.string(), z.object({ n: z.number().int(), total: z.number().int() })),
});
export type PartialEvaluation = z.infer<typeof PartialEvaluationSchema>;

/**
 * How one answer of an agent LLM was obtained (one per selection step that asked it): valid at the first
 * reply, valid after retries, or never (the choice fell back to random). `constrained`: the reply was
 * produced under a grammar or JSON schema built from the candidates; `refused`: the server refused
 * structured output on this answer, so it (and later ones) were free text.
 */
export const AnswerNoteSchema = z.object({
  step: z.string(),
  outcome: z.enum(['first', 'retried', 'fallback']),
  replies: z.number().int().min(0),
  constrained: z.boolean(),
  refused: z.string().optional(),
});
export type AnswerNote = z.infer<typeof AnswerNoteSchema>;

/** What the policy said about a selection (transcript kept in a file beside the journal). */
export const PolicyNoteSchema = z.object({
  policy: z.string(),
  fallback: z.string().optional(),
  transcript: z.string().optional(),
  usage: z.array(UsageSchema).default([]),
  answers: z.array(AnswerNoteSchema).optional(),
  /** The policy returned an action core refused (outside the space, or running already): why, and what it was. */
  rejected: z
    .object({
      reason: z.string(),
      returned: z.object({ name: z.string(), type: z.string(), inputs: z.array(z.object({ id: z.string(), name: z.string() })), key: z.string() }),
    })
    .optional(),
});
export type PolicyNote = z.infer<typeof PolicyNoteSchema>;

export const TrialRecordSchema = z.object({
  index: z.number().int().min(0),
  state: TrialStateSchema,
  action: ActionRefSchema,
  /** Id and name of the model the trial produced (or, when cached, the model it reuses). */
  produced: z.object({ id: z.string(), name: z.string(), path: z.string() }).optional(),
  scores: z.record(z.string(), z.number()).default({}),
  /** 95% bootstrap interval of each task's score over its items (journals before issue 19 have none). */
  intervals: z.record(z.string(), z.object({ lo: z.number(), hi: z.number() })).optional(),
  /** Tokens an evaluation's LLM (a judge) used for this trial's validation scores, per task. */
  evaluationUsage: z.array(EvaluationUsageSchema).optional(),
  /**
   * Early stopping ended the evaluation on first slices (issue 19): `scores` and `reward` are the slices'; the reward
   * estimate's bound, the threshold (topK-th best so far) it was below, and the items scored per task.
   */
  partial: PartialEvaluationSchema.optional(),
  /** Early stopping was configured but cannot be sound for the study's aggregator: the trial was scored in full; why. */
  earlyStop: z.object({ fallback: z.string() }).optional(),
  reward: z.number().optional(),
  startedAt: z.string(),
  endedAt: z.string().optional(),
  durations: z.record(z.string(), z.number()).default({}),
  error: JobErrorSchema.optional(),
  cachedFrom: z.number().int().optional(),
  /** Served by the shared action cache (issue 12; the trial is `complete`, nothing ran): its key and the study and trial that ran the action. */
  cache: z.object({ key: z.string(), study: z.string(), trial: z.number().int() }).optional(),
  policy: PolicyNoteSchema.optional(),
  resources: z.object({ gpuHours: z.number().default(0), wallSec: z.number().default(0) }).optional(),
  metrics: z.record(z.string(), z.number()).default({}),
});
export type TrialRecord = z.infer<typeof TrialRecordSchema>;

/**
 * Validation scores of one initial model (a configured model, e.g. the base model or a specialist),
 * taken once when the study starts so policies can build on it. Journaled as record kind `initial`;
 * not a trial (it takes no budget). `ids` are the pool objects holding that model (one per kind it is
 * listed under); `error` is set, and `reward` absent, when it could not be scored.
 */
export const InitialScoreRecordSchema = z.object({
  kind: z.literal('initial'),
  digest: z.string(),
  ids: z.array(z.string()).min(1),
  name: z.string(),
  at: z.string(),
  scores: z.record(z.string(), z.number()).default({}),
  reward: z.number().optional(),
  error: z.string().optional(),
  /** Served by the shared action cache: the study that scored it. */
  cache: z.object({ key: z.string(), study: z.string() }).optional(),
  /** Answered by the executor (e.g. `replay`, from its table) instead of evaluated: its name. */
  executor: z.string().optional(),
  seconds: z.number().default(0),
  /** 95% bootstrap interval of each task's score over its items. */
  intervals: z.record(z.string(), z.object({ lo: z.number(), hi: z.number() })).optional(),
  /** Tokens an evaluation's LLM (a judge) used to score this model, per task. */
  evaluationUsage: z.array(EvaluationUsageSchema).optional(),
});
export type InitialScoreRecord = z.infer<typeof InitialScoreRecordSchema>;

/** An initial model's validation scores as policies see them (one per pool object id). */
export interface InitialScore {
  id: string;
  name: string;
  digest: string;
  scores: Record<string, number>;
  reward: number;
}
