/**
 * What the policy's steps share: its options and dependencies, the study's context of the current
 * selection or memory update, and the record (transcript, usage, answer notes) the steps add to.
 */
import type { AnswerNote, Policy, PolicyContext, Proposal, TranscriptEntry, Usage } from '@lamdagent/core';
import type { Redactor } from '@lamdagent/core/kit';
import type { LlmPolicyOptions, Prices } from './options.js';
import type { ChatProvider } from './providers/types.js';
import type { PromptTemplates } from './templates.js';

/** What an `LlmPolicy` is built with besides its options (the factory assembles it). */
export interface LlmPolicyDeps {
  provider: ChatProvider;
  templates: PromptTemplates;
  redact: Redactor;
  prices: Prices;
  /** The study seed: with `candidateOrder: seeded` the candidates' shown order is drawn from it and the trial index. */
  seed: number;
  /** With the `shortlist` option: the ranking policy whose proposals the agent chooses among. */
  ranker?: Ranker;
}

/** A policy that can propose ranked candidates (the hybrid's ranker). */
export type Ranker = Policy & { propose(ctx: PolicyContext, size: number): Promise<Proposal[]> };

/** Transcript and usage of one selection or one memory update. */
export interface StepRecord {
  transcript: TranscriptEntry[];
  usage: Usage[];
  answers: AnswerNote[];
}

/** One selection or one memory update: the policy's options and deps, the study's context, its record. */
export interface StepScope {
  readonly o: LlmPolicyOptions;
  readonly d: LlmPolicyDeps;
  readonly ctx: PolicyContext;
  readonly rec: StepRecord;
}

/** A scope with an empty record. */
export function newScope(o: LlmPolicyOptions, d: LlmPolicyDeps, ctx: PolicyContext): StepScope {
  return { o, d, ctx, rec: { transcript: [], usage: [], answers: [] } };
}
