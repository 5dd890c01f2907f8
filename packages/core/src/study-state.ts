import type { JournalRecord, JournalRecordOf } from './journal-records.js';
import type { TrialRecord } from './trial.js';

/**
 * A study's state replayed from its journal records: what the engine resumes from and what the CLI
 * and the dashboard show. `apply` is the one place a record kind changes the state.
 */
export class StudyState {
  header?: JournalRecordOf<'study'>;
  /** Finished trials by index, in journal (completion) order. */
  readonly trials = new Map<number, TrialRecord>();
  /** Trials started but not finished (running now, or interrupted by a crash). */
  readonly running = new Map<number, JournalRecordOf<'trial-start'>>();
  readonly jobs = new Map<number, JournalRecordOf<'job'>>();
  /** Last policy observation (memory) in journal order. */
  lastObserve?: JournalRecordOf<'observe'>;
  readonly observes: JournalRecordOf<'observe'>[] = [];
  /** Extra evaluations (e.g. the test split), in journal order. */
  readonly evaluations: JournalRecordOf<'evaluate'>[] = [];
  readonly resumes: JournalRecordOf<'resume'>[] = [];
  /** Events an observer (experiment tracker) could not take, in journal order. */
  readonly observerFailures: JournalRecordOf<'observer-failure'>[] = [];
  /** Initial models' scores by content digest (journals written before they existed have none). */
  readonly initial = new Map<string, JournalRecordOf<'initial'>>();

  apply(rec: JournalRecord): void {
    switch (rec.kind) {
      case 'study':
        this.header = rec;
        break;
      case 'trial-start':
        this.running.set(rec.index, rec);
        break;
      case 'job':
        this.jobs.set(rec.index, rec);
        break;
      case 'trial-end':
        this.running.delete(rec.trial.index);
        this.trials.set(rec.trial.index, rec.trial);
        break;
      case 'observe':
        this.lastObserve = rec;
        this.observes.push(rec);
        break;
      case 'evaluate':
        this.evaluations.push(rec);
        break;
      case 'resume':
        this.resumes.push(rec);
        break;
      case 'observer-failure':
        this.observerFailures.push(rec);
        break;
      case 'initial':
        this.initial.set(rec.digest, rec);
        break;
      default: {
        const never: never = rec;
        throw new Error(`unhandled journal record ${JSON.stringify(never)}`);
      }
    }
  }

  /** Forget everything (the journal was replaced). */
  clear(): void {
    delete this.header;
    delete this.lastObserve;
    this.trials.clear();
    this.running.clear();
    this.jobs.clear();
    this.observes.length = 0;
    this.evaluations.length = 0;
    this.resumes.length = 0;
    this.observerFailures.length = 0;
    this.initial.clear();
  }
}
