import path from 'node:path';
import { cacheKey, type ActionCache } from './action-cache.js';
import type { Assembly } from './assemble.js';
import type { TaskResult } from './evaluator.js';
import { scoreOnValidation } from './job-evaluate.js';
import { cacheEntryIntervals } from './item-results.js';
import type { JsonValue } from './json.js';
import { valueDigest } from './kit/digest.js';
import type { PoolObject } from './objects.js';
import type { ObjectPool } from './pool.js';
import type { StudyServices } from './study-services.js';
import { STUDY_FILES } from './study-folder.js';
import type { ActionRef, InitialScore, InitialScoreRecord } from './trial.js';
import { evaluationFacts } from './trial-record.js';

export interface InitialScoringDeps {
  dir: string;
  assembly: Assembly;
  services: StudyServices;
  pool: ObjectPool;
  signal: AbortSignal;
  cache?: ActionCache;
}

/** The initial models of the pool (configured, not produced), grouped by content digest. */
export function initialModels(pool: ObjectPool): Map<string, PoolObject[]> {
  const out = new Map<string, PoolObject[]>();
  for (const o of pool.all()) {
    if (o.type !== 'model' || o.provenance) continue;
    const list = out.get(o.digest) ?? [];
    list.push(o);
    out.set(o.digest, list);
  }
  return out;
}

/** Scores journaled so far, as policies see them: one per pool object id, scored ones only. */
export function initialScoresOf(records: ReadonlyMap<string, InitialScoreRecord>, pool: ObjectPool): InitialScore[] {
  const out: InitialScore[] = [];
  for (const [digest, objs] of initialModels(pool)) {
    const r = records.get(digest);
    if (!r || r.reward === undefined) continue;
    for (const o of objs) out.push({ id: o.id, name: o.name, digest, scores: r.scores, reward: r.reward });
  }
  return out;
}

const secs = (ms: number): number => Math.round(ms / 10) / 100;

/**
 * Step initial: score every initial model not scored yet on the validation split (the study's own
 * evaluators and aggregator, in this process), through the shared action cache when the study has
 * one, unless the executor knows its scores (a replay table), and journal each as an `initial`
 * record. A model that cannot be scored is journaled with its error (policies treat it as unscored;
 * the next start tries again); nothing here counts as a trial. A journal written before this step
 * existed simply has no records: they are taken on the next start.
 */
export async function scoreInitialModels(d: InitialScoringDeps): Promise<void> {
  const { store, evaluators, aggregator, clock, logger, executor } = d.services;
  const tasks = d.assembly.tasks;
  const evalDigest = valueDigest({ dir: d.assembly.loaded.dir, tasks, evaluators: d.assembly.evaluators } as unknown as JsonValue);
  for (const [digest, objs] of initialModels(d.pool)) {
    if (store.state.initial.get(digest)?.reward !== undefined || d.signal.aborted) continue;
    const model = objs[0] as PoolObject;
    const ids = objs.map((o) => o.id);
    const t0 = clock.monotonicMs();
    const ref: ActionRef = {
      name: 'initial',
      type: 'initial',
      key: `initial:${digest}`,
      inputs: [{ id: model.id, name: model.name, kind: model.kind }],
      params: {},
    };
    const key = cacheKey(ref.key, evalDigest);
    const base = { kind: 'initial' as const, digest, ids, name: model.name };
    try {
      const known = await executor.initialScores?.(model, tasks);
      if (known) {
        const scores = Object.fromEntries(known.map((r) => [r.task, r.score]));
        store.append({ ...base, at: clock.now(), scores, reward: aggregator.aggregate(known, tasks), executor: executor.name, seconds: 0 });
        continue;
      }
      const got = d.cache ? await d.cache.claim(key, d.signal) : undefined;
      if (got && 'hit' in got) {
        const scores = got.hit.entry.scores;
        const results: TaskResult[] = tasks.map((t) => ({ task: t.name, metric: t.metric, score: scores[t.name] ?? Number.NaN, split: 'validation' }));
        const intervals = cacheEntryIntervals(
          got.hit.entry,
          tasks.map((t) => t.name),
        );
        store.append({
          ...base,
          at: clock.now(),
          scores,
          reward: aggregator.aggregate(results, tasks),
          cache: { key, study: got.hit.entry.source.study },
          seconds: 0,
          ...(intervals ? { intervals } : {}),
        });
        continue;
      }
      try {
        const jobDir = path.join(d.dir, STUDY_FILES.jobs, `initial-${digest.replace(/[^A-Za-z0-9]/g, '').slice(0, 16)}`);
        const results = await scoreOnValidation(evaluators, model, tasks, {
          signal: d.signal,
          jobDir,
          seed: d.assembly.loaded.config.seed,
          log: () => undefined,
        });
        const scores = Object.fromEntries(results.map((r) => [r.task, r.score]));
        const seconds = secs(clock.monotonicMs() - t0);
        const facts = evaluationFacts(results);
        got?.lease.commit(undefined, {
          action: ref,
          scores,
          ...(facts.intervals ? { intervals: facts.intervals } : {}),
          metrics: {},
          durations: { evaluate: seconds },
          source: { study: d.dir, trial: -1 },
        });
        store.append({ ...base, at: clock.now(), scores, reward: aggregator.aggregate(results, tasks), seconds, ...facts });
      } finally {
        got?.lease.release();
      }
    } catch (e) {
      if (d.signal.aborted) return;
      const error = (e as Error).message;
      logger.warn(`initial model ${model.name} could not be scored: ${error}`);
      store.append({ ...base, at: clock.now(), scores: {}, error, seconds: secs(clock.monotonicMs() - t0) });
    }
  }
}
