/**
 * Direct Preference Optimization (sigmoid loss) against a frozen reference model:
 * loss = -log sigmoid(beta * ((log pi(c) - log ref(c)) - (log pi(r) - log ref(r)))).
 * Reference log-probabilities are computed once, before training.
 */
import { AdamW, learningRateAt } from './adamw.js';
import { initBackend } from './backend.js';
import { checkTextFields, countToken, encodePair, lengthGroupedBatches, makeBatch, type EncodedSequence } from './batching.js';
import { scoreSequences } from './logprobs.js';
import type { TinyLM } from './model.js';
import { dpoLoss } from './objective.js';
import { checkOptions, plannedSteps, warmupSteps, yieldToEventLoop, type OptimizerOptions } from './progress.js';
import { Mulberry32 } from '@lamdagent/core/kit';
import { Trainer } from './train-step.js';

export interface DpoPair {
  prompt: string;
  chosen: string;
  rejected: string;
}

export interface DpoOptions extends OptimizerOptions {
  /** Strength of the KL constraint (TRL's default is 0.1). */
  beta: number;
}

/** Implicit-reward statistics of the policy over all pairs. */
export interface PreferenceStats {
  /** Mean DPO loss. */
  loss: number;
  /** Mean of beta * ((log pi(c) - log ref(c)) - (log pi(r) - log ref(r))). */
  rewardMargin: number;
  /** Fraction of pairs whose reward margin is > 0. */
  rewardAccuracy: number;
  /** Fraction of pairs where the policy gives the chosen completion a higher log-probability. */
  preferenceAccuracy: number;
  /** Mean log pi(c) - log pi(r). */
  logProbMargin: number;
}

export interface DpoMetrics {
  steps: number;
  epochs: number;
  pairs: number;
  tokens: number;
  /** Characters outside the vocabulary (encoded as <|unk|>). */
  unknownTokens: number;
  initialLoss: number;
  finalLoss: number;
  meanLoss: number;
  before: PreferenceStats;
  after: PreferenceStats;
  seconds: number;
  tokensPerSecond: number;
}

const softplus = (x: number): number => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));

function stats(pc: readonly number[], pr: readonly number[], rc: readonly number[], rr: readonly number[], beta: number): PreferenceStats {
  const n = pc.length;
  let loss = 0;
  let margin = 0;
  let rewardWins = 0;
  let prefWins = 0;
  let lpMargin = 0;
  for (let i = 0; i < n; i++) {
    const z = beta * ((pc[i] as number) - (rc[i] as number) - ((pr[i] as number) - (rr[i] as number)));
    loss += softplus(-z);
    margin += z;
    if (z > 0) rewardWins++;
    const d = (pc[i] as number) - (pr[i] as number);
    if (d > 0) prefWins++;
    lpMargin += d;
  }
  const k = Math.max(1, n);
  return { loss: loss / k, rewardMargin: margin / k, rewardAccuracy: rewardWins / k, preferenceAccuracy: prefWins / k, logProbMargin: lpMargin / k };
}

/** Train `policy` in place with DPO; `reference` is only read (it may be a clone of the policy). */
export async function dpo(policy: TinyLM, reference: TinyLM, pairs: readonly DpoPair[], opts: DpoOptions): Promise<DpoMetrics> {
  checkOptions(opts, 'dpo');
  if (!(opts.beta > 0)) throw new Error('dpo: beta must be > 0');
  checkTextFields('dpo: pairs', pairs, ['prompt', 'chosen', 'rejected']);
  if (policy.config.vocabSize !== reference.config.vocabSize) throw new Error('dpo: policy and reference have different vocabularies');
  await initBackend();
  const { config, tokenizer } = policy;
  const max = config.nPositions + 1;
  const chosen = pairs.map((p) => encodePair(tokenizer, p.prompt, p.chosen, max));
  const rejected = pairs.map((p) => encodePair(tokenizer, p.prompt, p.rejected, max));
  const refChosen = scoreSequences(reference, chosen);
  const refRejected = scoreSequences(reference, rejected);
  const before = stats(scoreSequences(policy, chosen), scoreSequences(policy, rejected), refChosen, refRejected, opts.beta);

  const rng = new Mulberry32(opts.seed);
  const lengths = pairs.map((_, i) => Math.max((chosen[i] as EncodedSequence).ids.length, (rejected[i] as EncodedSequence).ids.length));
  const batchesPerEpoch = Math.ceil(pairs.length / opts.batchSize);
  const total = plannedSteps(opts, batchesPerEpoch);
  const warmup = warmupSteps(opts, total);
  const store = policy.paramStore();
  const trainer = new Trainer(config, store, new AdamW(store.specs, store.size, { weightDecay: opts.weightDecay ?? 0, maxGradNorm: opts.maxGradNorm ?? 1 }));
  const started = performance.now();
  let step = 0;
  let tokens = 0;
  let initialLoss = NaN;
  let lossSum = 0;
  let epochLoss = 0;
  let epochSteps = 0;
  for (let epoch = 0; step < total; epoch++) {
    epochLoss = 0;
    epochSteps = 0;
    for (const indices of lengthGroupedBatches(lengths, opts.batchSize, rng)) {
      if (step >= total) break;
      opts.signal?.throwIfAborted();
      const batch = makeBatch([...indices.map((i) => chosen[i] as EncodedSequence), ...indices.map((i) => rejected[i] as EncodedSequence)], tokenizer.padId);
      const refMargin = Float32Array.from(indices, (i) => (refChosen[i] as number) - (refRejected[i] as number));
      const lr = learningRateAt(opts.learningRate, step, total, warmup, opts.schedule ?? 'linear');
      const loss = trainer.step(batch, (lp) => dpoLoss(lp, batch, refMargin, opts.beta), lr);
      step++;
      tokens += batch.realTokens;
      if (step === 1) initialLoss = loss;
      lossSum += loss;
      epochLoss += loss;
      epochSteps++;
      const seconds = (performance.now() - started) / 1000;
      opts.onProgress?.({ step, totalSteps: total, epoch, loss, learningRate: lr, tokensPerSecond: tokens / Math.max(seconds, 1e-9) });
      await yieldToEventLoop();
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const after = stats(scoreSequences(policy, chosen), scoreSequences(policy, rejected), refChosen, refRejected, opts.beta);
  return {
    steps: step,
    epochs: step === 0 ? 0 : step / batchesPerEpoch,
    pairs: pairs.length,
    tokens,
    unknownTokens: countToken(chosen, tokenizer.unkId) + countToken(rejected, tokenizer.unkId),
    initialLoss,
    finalLoss: epochSteps > 0 ? epochLoss / epochSteps : NaN,
    meanLoss: step > 0 ? lossSum / step : NaN,
    before,
    after,
    seconds,
    tokensPerSecond: tokens / Math.max(seconds, 1e-9),
  };
}
