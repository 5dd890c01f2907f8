import { actionSeed, cacheKey, type ActionCache } from './action-cache.js';
import type { TaskResult } from './evaluator.js';
import type { JsonValue } from './json.js';
import { cacheEntryIntervals } from './item-results.js';
import { valueDigest } from './kit/digest.js';
import { executeTrial, type ExecuteContext } from './trial-execute.js';
import { evaluationFacts, type Trial, type TrialOutcome } from './trial-record.js';

/**
 * The execute stage through the shared action cache (config `cache:`): reuse an entry that any study
 * committed for this action (same key, same tasks and evaluator options), or run the action under the
 * key's lock and commit its model and scores for the others. The job's seed follows the action key, so
 * its outcome is the same whichever study runs it. A failed action is not cached.
 */
export async function executeViaSharedCache(cache: ActionCache, x: ExecuteContext, trial: Trial): Promise<TrialOutcome> {
  const a = x.assembly;
  const key = cacheKey(trial.action.key, valueDigest({ dir: a.loaded.dir, tasks: a.tasks, evaluators: a.evaluators } as unknown as JsonValue));
  let got: Awaited<ReturnType<ActionCache['claim']>>;
  try {
    got = await cache.claim(key, x.signal);
  } catch (e) {
    // Interrupted while another study ran this action: recorded like a cancelled job.
    if (!x.signal.aborted) throw e;
    return { state: 'failed', error: { type: 'Cancelled', message: 'interrupted while waiting for the shared action cache' } };
  }
  if ('hit' in got) {
    const { entry, modelPath } = got.hit;
    // The intervals the original trial journaled travel with the entry (or are recomputed from its items, old entries).
    const intervals = cacheEntryIntervals(
      entry,
      a.tasks.map((t) => t.name),
    );
    const results: TaskResult[] = a.tasks.map((t) => ({
      task: t.name,
      metric: t.metric,
      score: entry.scores[t.name] ?? Number.NaN,
      split: 'validation',
      ...(intervals?.[t.name] ? { interval: intervals[t.name] } : {}),
    }));
    return { state: 'complete', artifact: modelPath, results, metrics: entry.metrics, cache: { key, study: entry.source.study, trial: entry.source.trial } };
  }
  try {
    const o = await executeTrial({ ...x, jobSeed: actionSeed(trial.action.key) }, trial);
    // A partial evaluation (early stopping against this study's top-k) is not another study's score: not shared.
    if (o.state === 'complete' && o.artifact && o.results && !o.results.some((r) => r.partial)) {
      const { intervals } = evaluationFacts(o.results);
      got.lease.commit(o.artifact, {
        action: trial.ref,
        scores: Object.fromEntries(o.results.map((r) => [r.task, r.score])),
        ...(intervals ? { intervals } : {}),
        metrics: o.metrics ?? {},
        durations: o.durations ?? {},
        ...(o.resources ? { resources: o.resources } : {}),
        source: { study: x.dir, trial: trial.index },
      });
    }
    return o;
  } finally {
    got.lease.release();
  }
}
