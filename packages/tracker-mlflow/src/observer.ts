import type { ActionRef, Observer, ObserverContext, StudyEvent, TrialRecord } from '@lamdagent/core';
import { z } from 'zod';
import { MlflowClient, type KeyValue, type Metric } from './mlflow-client.js';

export const MlflowOptionsSchema = z
  .object({
    trackingUri: z
      .string()
      .url()
      .optional()
      .describe('Tracking server (default: $MLFLOW_TRACKING_URI, else http://127.0.0.1:5000). Credentials come from the environment only.'),
    experimentName: z.string().min(1).optional().describe("MLflow experiment (default: the study's config name, else its folder's name)."),
    timeoutMs: z.number().int().positive().default(10_000).describe('Time limit of one REST call.'),
  })
  .strict();
export type MlflowOptions = z.output<typeof MlflowOptionsSchema>;

/** MLflow keys allow letters, digits, `_ - . / ` and spaces; anything else becomes `_`. */
const key = (s: string): string => s.replace(/[^A-Za-z0-9_\-./ ]/g, '_').slice(0, 250);
const value = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v)).slice(0, 6000);
const ms = (iso: string | undefined): number => (iso ? Date.parse(iso) : Date.now());

/** Params of a trial: the action, each input (by slot: its kind and name; a value object's value), and the action's fixed params. */
export function trialParams(a: ActionRef, ctx: Pick<ObserverContext, 'object'>): KeyValue[] {
  const out: KeyValue[] = [
    { key: 'action', value: a.name },
    { key: 'action_type', value: a.type },
  ];
  a.inputs.forEach((i, n) => {
    out.push({ key: key(`input.${n}.${i.kind}`), value: value(i.name) });
    const obj = ctx.object(i.id);
    // Hyperparameters (number, json values): their value, under the kind's name.
    if (obj && obj.type !== 'model' && obj.type !== 'dataset')
      out.push({ key: key(`hp.${i.kind}${a.inputs.filter((x) => x.kind === i.kind).length > 1 ? `.${n}` : ''}`), value: value(obj.value) });
  });
  for (const [k, v] of Object.entries(a.params)) out.push({ key: key(`param.${k}`), value: value(v) });
  return out;
}

/** Trial indexes whose produced models a trial used (its lineage). */
export function parentTrials(a: ActionRef): number[] {
  return a.inputs
    .map((i) => /^t(\d+)$/.exec(i.id)?.[1])
    .filter((x): x is string => x !== undefined)
    .map(Number);
}

/** Metrics of a finished trial: per-task scores, reward, seconds, durations per stage, agent tokens and cost, runner metrics. */
export function trialMetrics(t: TrialRecord): Metric[] {
  const timestamp = ms(t.endedAt);
  const m = (k: string, v: number): Metric => ({ key: key(k), value: v, timestamp, step: t.index });
  const out: Metric[] = Object.entries(t.scores).map(([task, s]) => m(`score.${task}`, s));
  if (t.reward !== undefined) out.push(m('reward', t.reward));
  if (t.endedAt) out.push(m('seconds', (ms(t.endedAt) - ms(t.startedAt)) / 1000));
  for (const [k, v] of Object.entries(t.durations)) out.push(m(`seconds.${k}`, v));
  const usage = t.policy?.usage ?? [];
  if (usage.length) {
    out.push(
      m(
        'agent.input_tokens',
        usage.reduce((s, u) => s + u.inputTokens, 0),
      ),
    );
    out.push(
      m(
        'agent.output_tokens',
        usage.reduce((s, u) => s + u.outputTokens, 0),
      ),
    );
    out.push(
      m(
        'agent.cost_usd',
        usage.reduce((s, u) => s + u.costUsd, 0),
      ),
    );
  }
  for (const [k, v] of Object.entries(t.metrics)) if (Number.isFinite(v)) out.push(m(`runner.${k}`, v));
  return out;
}

/**
 * Logs each trial as an MLflow run: created at the trial's start (params, tags) and finished at its end
 * (metrics, state, status FINISHED or FAILED). Runs are found by their tags before one is created, so a
 * retried call, or a trial re-run after a resume, does not make a second run. Failures throw: core's
 * observer hub retries them and journals what still fails, and the study goes on.
 */
export class MlflowObserver implements Observer {
  readonly name = 'mlflow';
  readonly #client: MlflowClient;
  readonly #experimentName: string | undefined;
  #experiment: string | undefined;
  readonly #runs = new Map<number, string>();

  constructor(o: MlflowOptions, env: Readonly<Record<string, string | undefined>>, fetchImpl?: typeof fetch) {
    const trackingUri = o.trackingUri ?? env['MLFLOW_TRACKING_URI'] ?? 'http://127.0.0.1:5000';
    this.#client = new MlflowClient({ trackingUri, timeoutMs: o.timeoutMs, env, ...(fetchImpl ? { fetch: fetchImpl } : {}) });
    this.#experimentName = o.experimentName;
  }

  async notify(e: StudyEvent, ctx: ObserverContext): Promise<void> {
    switch (e.type) {
      case 'start':
        await this.#experimentId(ctx);
        return;
      case 'trial-start':
        await this.#run(e.index, e.action, ms(undefined), ctx);
        return;
      case 'trial-end':
        await this.#end(e.trial, ctx);
        return;
      default:
        return;
    }
  }

  async #experimentId(ctx: ObserverContext): Promise<string> {
    this.#experiment ??= await this.#client.ensureExperiment(this.#experimentName ?? ctx.studyName);
    return this.#experiment;
  }

  async #run(index: number, a: ActionRef, startTime: number, ctx: ObserverContext): Promise<string> {
    const known = this.#runs.get(index);
    if (known) return known;
    const exp = await this.#experimentId(ctx);
    const filter = `tags."lamdagent.study_dir" = '${ctx.dir.replace(/'/g, "\\'")}' and tags."lamdagent.trial" = '${index}'`;
    let runId = (await this.#client.searchRuns(exp, filter))[0];
    if (!runId) {
      const parents = parentTrials(a);
      const tags: KeyValue[] = [
        { key: 'lamdagent.study', value: ctx.studyName },
        { key: 'lamdagent.study_dir', value: ctx.dir },
        { key: 'lamdagent.trial', value: String(index) },
        { key: 'lamdagent.action_key', value: a.key },
        { key: 'lamdagent.state', value: 'running' },
        { key: 'lamdagent.parents', value: parents.join(',') },
        ...parents.flatMap((p) => {
          const r = this.#runs.get(p);
          return r ? [{ key: `lamdagent.parent_run.${p}`, value: r }] : [];
        }),
        { key: 'mlflow.source.name', value: 'lamdagent' },
      ];
      runId = await this.#client.createRun(exp, `trial-${index} ${a.name}`, startTime, tags);
    }
    // Always (a retry may find the run its first attempt created): MLflow accepts a param logged again with the same value.
    await this.#client.logBatch(runId, { params: trialParams(a, ctx) });
    this.#runs.set(index, runId);
    return runId;
  }

  async #end(t: TrialRecord, ctx: ObserverContext): Promise<void> {
    const runId = await this.#run(t.index, t.action, ms(t.startedAt), ctx);
    const tags: KeyValue[] = [{ key: 'lamdagent.state', value: t.state }];
    if (t.produced) tags.push({ key: 'lamdagent.model', value: t.produced.name }, { key: 'lamdagent.model_path', value: t.produced.path });
    if (t.cachedFrom !== undefined) tags.push({ key: 'lamdagent.cached_from', value: String(t.cachedFrom) });
    if (t.error) tags.push({ key: 'lamdagent.error', value: value(`${t.error.type}: ${t.error.message}`) });
    if (t.policy?.fallback) tags.push({ key: 'lamdagent.policy_fallback', value: value(t.policy.fallback) });
    await this.#client.logBatch(runId, { metrics: trialMetrics(t), tags });
    await this.#client.endRun(runId, t.state === 'failed' ? 'FAILED' : 'FINISHED', ms(t.endedAt));
  }
}
