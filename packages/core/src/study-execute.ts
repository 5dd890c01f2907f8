import type { ActionCache } from './action-cache.js';
import { earlyStopSpec } from './job-evaluate.js';
import { executeTrial, type ExecuteContext } from './trial-execute.js';
import type { Trial, TrialOutcome } from './trial-record.js';
import { executeViaSharedCache } from './trial-shared-cache.js';
import type { TrialRecord } from './trial.js';

/** What a study hands its execute stage: the execute context's study part, and the shared cache if any. */
export type StudyExecution = Pick<ExecuteContext, 'dir' | 'assembly' | 'registry' | 'pluginEntries' | 'services' | 'signal'> & { cache?: ActionCache };

/**
 * The execute stage as a study runs it (trial-execute.ts): through the shared action cache when the
 * config sets one (not for a job re-attached after a crash: it already runs), and with config `earlyStop`
 * at its threshold now — the topK-th best reward of the complete trials so far (none before there are
 * topK of them), bounded as `earlyStopSpec` says (linear, monotone, or a fallback to full scoring).
 */
export function executeInStudy(
  d: StudyExecution,
  trial: Trial,
  history: readonly TrialRecord[],
  onProgress: (u: { message?: string; fraction?: number }) => void,
): Promise<TrialOutcome> {
  const cfg = d.assembly.loaded.config;
  const earlyStop = earlyStopSpec(cfg.earlyStop, history, cfg.topK, d.services.aggregator, d.assembly.tasks, d.assembly.aggregation);
  const ctx = {
    dir: d.dir,
    assembly: d.assembly,
    registry: d.registry,
    pluginEntries: d.pluginEntries,
    services: d.services,
    signal: d.signal,
    onProgress,
    ...(earlyStop ? { earlyStop } : {}),
  };
  return d.cache && !trial.reattach ? executeViaSharedCache(d.cache, ctx, trial) : executeTrial(ctx, trial);
}
