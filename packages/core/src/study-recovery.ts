import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Action } from './action-type.js';
import type { JournalRecordOf } from './journal-records.js';
import type { ObjectPool } from './pool.js';
import type { ActionSpace } from './space.js';
import { STUDY_FILES } from './study-folder.js';
import type { StudyServices } from './study-services.js';
import type { StudyState } from './study-state.js';
import { trialJobId } from './trial-job.js';
import { interruptedRecord, rebuildAction, type Trial } from './trial-record.js';
import type { PolicyNote, TrialRecord } from './trial.js';

/** What a crash left unfinished: trials started and never ended, and finished trials the policy never observed. */
export interface Unfinished {
  /** Started (journaled `trial-start`) with no `trial-end`: re-run, re-attached to their job when it still runs. */
  interrupted: JournalRecordOf<'trial-start'>[];
  /**
   * A policy that keeps state (restore) saw every finished trial unless the process died between the
   * trial's end and its observe record: those updates (an agent's memory) are redone on resume.
   */
  unobserved: TrialRecord[];
}

export function unfinishedOf(st: StudyState, policy: StudyServices['policy']): Unfinished {
  const observed = new Set(st.observes.map((o) => o.index));
  return {
    interrupted: [...st.running.values()].sort((a, b) => a.index - b.index),
    unobserved: policy.observe && policy.restore ? [...st.trials.values()].filter((t) => !observed.has(t.index)) : [],
  };
}

/** Says what recovery will do (log lines, and a `resume` record naming the trials re-run). */
export function announceRecovery(services: StudyServices, u: Unfinished): void {
  if (u.unobserved.length) services.logger.info(`redoing the policy's update for trials ${u.unobserved.map((t) => t.index).join(', ')} (interrupted)`);
  if (!u.interrupted.length) return;
  services.store.append({ kind: 'resume', at: services.clock.now(), rerun: u.interrupted.map((r) => r.index) });
  services.logger.info(`re-running trials ${u.interrupted.map((r) => r.index).join(', ')} that the last run left unfinished`);
}

/** How an interrupted trial goes on: opened again (re-attached to its job when there is one), or failed when its inputs are gone. */
export type Reopening = { action: Action; note: PolicyNote; reattach?: NonNullable<Trial['reattach']> } | { failed: TrialRecord };

export function reopening(r: JournalRecordOf<'trial-start'>, d: { dir: string; space: ActionSpace; pool: ObjectPool; services: StudyServices }): Reopening {
  const { store, policy, clock } = d.services;
  const note: PolicyNote = r.policy ?? { policy: policy.name, usage: [] };
  const action = rebuildAction(d.space, d.pool, r.action);
  if (!action) return { failed: interruptedRecord(r, note, clock.now()) };
  const job = store.state.jobs.get(r.index);
  if (job) return { action, note, reattach: { jobId: job.jobId, ...(job.externalId ? { externalId: job.externalId } : {}) } };
  // Killed between starting a job process and journaling it: the runner left its pid beside its spec.
  const jobId = trialJobId(r.index);
  return existsSync(path.join(d.dir, STUDY_FILES.jobs, jobId, 'runner.pid')) ? { action, note, reattach: { jobId } } : { action, note };
}
