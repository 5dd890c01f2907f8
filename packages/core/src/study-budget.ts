import type { StudyConfigParsed } from './config-schema.js';
import type { InitialScoreRecord, TrialRecord } from './trial.js';

export interface BudgetFacts {
  aborted: boolean;
  /** Trials finished or running. */
  launched: number;
  elapsedSec: number;
  costUsd: number;
  best?: TrialRecord;
}

/** Why a study stops now (interrupted, iterations, wall time, cost, target reward), or undefined to go on. */
export function stopReason(b: StudyConfigParsed['budget'], f: BudgetFacts): string | undefined {
  if (f.aborted) return 'interrupted';
  if (f.launched >= b.iterations) return `iteration budget reached (${b.iterations})`;
  if (b.wallTimeSec !== undefined && f.elapsedSec >= b.wallTimeSec) return `wall-time budget reached (${b.wallTimeSec} s)`;
  if (b.costUsd !== undefined && f.costUsd >= b.costUsd) return `cost budget reached ($${b.costUsd})`;
  if (b.targetReward !== undefined && f.best?.reward !== undefined && f.best.reward >= b.targetReward) return `target reward ${b.targetReward} reached`;
  return undefined;
}

/** The judge's dollars for the initial models' scores (journaled in the initial records): they count against the cost budget too. */
export function initialCostUsd(initial: Iterable<InitialScoreRecord>): number {
  let c = 0;
  for (const r of initial) for (const u of r.evaluationUsage ?? []) c += u.costUsd;
  return c;
}
