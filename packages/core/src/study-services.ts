import type { Aggregator } from './aggregator.js';
import type { Evaluator } from './evaluator.js';
import type { Executor } from './executor.js';
import type { StudyStore } from './journal.js';
import type { Policy } from './policy.js';
import type { ActionRef, TrialRecord } from './trial.js';

/** Where the engine says what it did besides journaling it (policy fallbacks, failed observes, resumes). */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
}

/** Time as the engine reads it: wall-clock stamps for records, a monotonic clock for durations and budgets. */
export interface Clock {
  /** ISO time stamp for trial and journal records. */
  now(): string;
  /** Milliseconds from an arbitrary origin, never going back. */
  monotonicMs(): number;
}

/**
 * Everything a study uses, as plain values: the engine reads each one from here and nowhere else. The
 * defaults come from the config (policy, executor, aggregator, evaluators) and the study folder (store);
 * pass any of them to `runStudy`/`resumeStudy`/`Study.open` (`services: { logger }`) to replace it.
 */
export interface StudyServices {
  policy: Policy;
  executor: Executor;
  aggregator: Aggregator;
  /** Evaluators by name (the names tasks give). */
  evaluators: Map<string, Evaluator>;
  store: StudyStore;
  logger: Logger;
  clock: Clock;
}

export const silentLogger: Logger = { info: () => undefined, warn: () => undefined };

export const systemClock: Clock = { now: () => new Date().toISOString(), monotonicMs: () => performance.now() };

/** What a running study reports (the CLI prints it as progress). */
export type StudyEvent =
  | { type: 'start'; dir: string; resumed: boolean; done: number; budget: number; poolSize: number; actions: number }
  | { type: 'trial-start'; index: number; budget: number; action: ActionRef }
  | { type: 'trial-progress'; index: number; message?: string; fraction?: number }
  | { type: 'trial-end'; trial: TrialRecord; best?: TrialRecord }
  | { type: 'stop'; reason: string }
  /** Something the user should know about the study as it resumes (e.g. a journal format change). */
  | { type: 'notice'; message: string };
