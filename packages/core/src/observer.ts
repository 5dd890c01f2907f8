import type { JsonValue } from './json.js';
import type { PoolObject } from './objects.js';
import type { StudyEvent } from './study-services.js';

/**
 * An observer receives a study's events (start, trial start and end, stop, notices): experiment
 * trackers (MLflow, ...) and machine-readable logs. A plugin contributes one with
 * `registry.observer(factory)` (declared in `provides.observers`); a config turns it on with
 * `observers: [mlflow]` or `observers: [{ name: mlflow, options: { ... } }]`.
 *
 * Observers only watch: they never change what the study does, and a failing observer never stops a
 * study. Each observer gets the events in order, one at a time, apart from the loop (a slow tracker
 * does not slow the study); an event whose `notify` throws is retried, and after the last attempt the
 * failure is journaled (record kind `observer-failure`) and the observer gets the next event.
 */
export interface Observer {
  name: string;
  /** Called once per event, in order; the next event waits until this one settled. Throw (or reject) to ask for a retry. */
  notify(event: StudyEvent, ctx: ObserverContext): void | Promise<void>;
  /** Called when the study closes, after the last event was delivered (flush buffers, close connections). */
  close?(): Promise<void>;
}

/** What an observer knows about the study beside the events. */
export interface ObserverContext {
  /** Absolute study folder. */
  dir: string;
  /** The config's `name` (else the study folder's name). */
  studyName: string;
  seed: number;
  /** The study's config after overrides, as JSON (secrets are never in a config: they come from the environment). */
  config: JsonValue;
  /** A pool object by id: the values behind a trial's inputs (hyperparameters, dataset paths, produced models). */
  object(id: string): PoolObject | undefined;
}

/** How often an event is retried when `notify` fails, and how long to wait between attempts. */
export interface ObserverRetry {
  /** Attempts per event, the first one included (default 3). */
  attempts: number;
  /** Wait before the second attempt; doubled for each further one (default 500 ms). */
  delayMs: number;
}

export const DEFAULT_OBSERVER_RETRY: ObserverRetry = { attempts: 3, delayMs: 500 };

/** The trial index an event is about, if any. */
export function eventTrial(e: StudyEvent): number | undefined {
  switch (e.type) {
    case 'trial-start':
    case 'trial-progress':
      return e.index;
    case 'trial-end':
      return e.trial.index;
    default:
      return undefined;
  }
}
