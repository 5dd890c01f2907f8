// The data the dashboard page renders: built by the server (live) or embedded in a report. Shared by the
// Node side and the browser bundle, so it imports only types from core (nothing of core runs in the page).
import type { ActionRef, JsonValue, PolicyNote, TrialRecord, Usage } from '@lamdagent/core';

export type { ActionRef, JsonValue, PolicyNote, TrialRecord, Usage };

/** A target task as the study's config declares it. `inReward: false` marks test-only (e.g. out-of-distribution) tasks. */
export interface TaskInfo {
  name: string;
  metric: string;
  inReward: boolean;
  max: number;
}

/** One row of an optional `baselines.json` in a study folder (Table 1's "Baselines"). */
export interface Baseline {
  name: string;
  scores: Record<string, number>;
  split: 'validation' | 'test';
}

/** Scores of a trial's model on a split other than the search's validation run (a future `evaluate --split test`). */
export interface EvaluationRow {
  index: number;
  split: string;
  scores: Record<string, number>;
  /** 95% bootstrap interval of each task's score over its items (core's `evaluate` records since issue 19). */
  intervals?: Record<string, { lo: number; hi: number }>;
  reward?: number;
  at?: string;
}

/** A policy observation (`observe` journal record): the memory after a trial, its token usage and transcript. */
export interface ObserveRow {
  index: number;
  state?: JsonValue;
  usage: Usage[];
  transcript?: string;
}

/** A trial that started and has not finished. */
export interface RunningRow {
  index: number;
  action: ActionRef;
  startedAt: string;
  policy?: PolicyNote;
  /** No live process holds the study's lock (kill -9, a crash, a cancelled run): `lamdagent resume` continues it. */
  interrupted?: boolean;
}

/**
 * The evaluation noise of a top model's validation reward: a 95% bootstrap interval over the per-item
 * results its evaluator kept (the mean over the in-reward tasks' item means), and whether it overlaps the
 * top-1's interval (the difference from the top-1 is inside the noise).
 */
export interface RewardInterval {
  lo: number;
  hi: number;
  insideTop1Noise: boolean;
}

export interface StudyData {
  /** Position in the list of studies given to the dashboard. */
  id: number;
  name: string;
  dir: string;
  configFile: string;
  createdAt: string;
  budget: number | null;
  policy: string;
  seed: number | null;
  tasks: TaskInfo[];
  /** Finished trials by index. */
  trials: TrialRecord[];
  running: RunningRow[];
  observes: ObserveRow[];
  evaluations: EvaluationRow[];
  baselines: Baseline[];
  /** Reward intervals of the top-k trials by index (those whose per-item results are on disk). */
  intervals: Record<number, RewardInterval>;
  /** Problems met while reading (bad journal lines, an invalid baselines.json): shown, never fatal. */
  warnings: string[];
  /** Grows each time the study's data changed. */
  version: number;
  /** Bytes of the journal consumed (complete lines). */
  journalBytes: number;
  updatedAt: string;
}

export interface TranscriptEntry {
  step: string;
  role: string;
  content: string;
}

/** The LLM conversations of one trial: choosing its action (`select`) and updating memory after it (`observe`). */
export interface TrialTranscripts {
  select?: TranscriptEntry[];
  observe?: TranscriptEntry[];
  /** Why a transcript could not be read. */
  errors: string[];
}

export interface DashboardData {
  mode: 'live' | 'report';
  generatedAt: string;
  /** How many top models the leaderboard and pipelines show. */
  k: number;
  /** Iterations per window in the history statistics (the paper's Figure 5 uses 15). */
  window: number;
  studies: StudyData[];
  /** Report mode only: every trial's transcripts, keyed `${studyId}:${trialIndex}`. */
  transcripts?: Record<string, TrialTranscripts>;
}
