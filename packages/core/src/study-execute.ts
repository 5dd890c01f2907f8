import type { ActionCache } from './action-cache.js';
import type { Assembly } from './assemble.js';
import { earlyStopSpec } from './job-evaluate.js';
import type { Registry } from './registry.js';
import type { StudyServices } from './study-services.js';
import { executeTrial } from './trial-execute.js';
import type { Trial, TrialOutcome } from './trial-record.js';
import { executeViaSharedCache } from './trial-shared-cache.js';
import type { TrialRecord } from './trial.js';

/** What a study hands its execute stage. */
export interface StudyExecution {
  dir: string;
  assembly: Assembly;
  registry: Registry;
  pluginEntries: string[];
  services: StudyServices;
  signal: AbortSignal;
  cache?: ActionCache;
}

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
