import type { z } from 'zod';
import type { Action } from './action-type.js';
import type { GenerationBackend, TaskSpec } from './evaluator.js';
import type { JsonValue } from './json.js';
import type { PoolObject } from './objects.js';
import type { ScorerCatalog } from './scorer.js';
import type { Rng } from './kit/rng.js';
import type { ActionSpace } from './space.js';
import type { AnswerNote, InitialScore, TrialRecord, Usage } from './trial.js';

/** One message of an agent conversation (kept per trial, secrets redacted). */
export interface TranscriptEntry {
  step: string;
  role: 'system' | 'user' | 'assistant' | 'error';
  content: string;
}

export interface PolicyContext {
  /** Index of the trial being chosen. */
  iteration: number;
  space: ActionSpace;
  pool: readonly PoolObject[];
  /** Finished trials, in journal order. */
  history: readonly TrialRecord[];
  /** Actions running right now (concurrent trials): do not pick them again. */
  pending: readonly Action[];
  /**
   * Validation scores of the initial models (base, specialists), taken once at the study's start; not
   * trials. Absent or empty when the study does not score them (`scoreInitialModels: false`) or they
   * could not be scored.
   */
  initial?: readonly InitialScore[];
  /** Seeded from the study seed and the iteration: same seed, same choices. */
  rng: Rng;
  signal: AbortSignal;
}

export interface Selection {
  action: Action;
  /** Set when the policy could not choose and fell back to a random choice: why. */
  fallback?: string;
  transcript?: TranscriptEntry[];
  usage?: Usage[];
  /** How each agent answer of this selection was obtained (LLM policies); journaled with the trial. */
  answers?: AnswerNote[];
}

/** What a policy keeps after observing a trial (an LLM policy's memory); restored on resume. */
export interface Observation {
  state?: JsonValue;
  transcript?: TranscriptEntry[];
  usage?: Usage[];
}

/** One candidate action a ranking policy puts forward, best first (a hybrid policy shows them to an agent). */
export interface Proposal {
  action: Action;
  /** The reward the policy's model predicts for the action, when it has a model. */
  predicted?: number;
  /** The spread of that prediction (a standard deviation), when the model gives one. */
  sd?: number;
  /** Why it is proposed when not for a prediction (e.g. a point of the policy's initial design). */
  note?: string;
}

/** Chooses the next action. */
export interface Policy {
  name: string;
  select(ctx: PolicyContext): Promise<Selection>;
  /**
   * Optional: up to `size` untried actions this policy would choose, best first (the first is what
   * `select` would return), with what its model predicts; empty when it would choose without a model. Used by hybrids (the `llm` policy's
   * `shortlist`), which then choose among them. Must not change the policy's state.
   */
  propose?(ctx: PolicyContext, size: number): Promise<Proposal[]>;
  observe?(trial: TrialRecord, ctx: PolicyContext): Promise<Observation | void>;
  /** Restore the state returned by the last `observe` before the process stopped. */
  restore?(state: JsonValue): void;
  /** Frees what the policy holds (a loaded model, connections) when the study process is done with it. */
  close?(): Promise<void>;
}

export interface FactoryContext {
  /** Folder of the config file (relative paths in options resolve from here). */
  configDir: string;
  seed: number;
  env: Readonly<Record<string, string | undefined>>;
  /** Creates a registered generation backend by name (for evaluators that generate text). */
  generationBackend(name: string, options?: unknown): Promise<GenerationBackend>;
  /** Scorers plugins registered (for evaluators that score replies); a context built by hand may have none. */
  scorers?: ScorerCatalog;
  /**
   * Creates a registered policy by name with its options checked (for hybrids that consult another
   * policy, as the `llm` policy's `shortlist`); a context built by hand may have none.
   */
  policy?(name: string, options?: unknown): Promise<Policy>;
}

/** What a factory's `preflight` sees: the config's folder, the environment and, for an evaluator, the tasks it scores. */
export type PreflightContext = Pick<FactoryContext, 'configDir' | 'env' | 'scorers'> & { tasks?: readonly TaskSpec[] };

/** A named factory, with a zod schema for its options from config. */
export interface Factory<T, O = unknown> {
  name: string;
  description?: string;
  optionsSchema?: z.ZodType<O>;
  /**
   * Checks that need the config's folder (files named in the options exist), run with the config's
   * validation, before anything is written. Returns problems, each with a path inside the options.
   */
  preflight?(options: O, ctx: PreflightContext): { path: string; message: string }[];
  create(options: O, ctx: FactoryContext): T | Promise<T>;
}
