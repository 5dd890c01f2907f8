/** Supervised fine-tuning: next-token loss on completion tokens only (+ EOS), AdamW, seeded data order. */
import { AdamW, learningRateAt } from './adamw.js';
import { initBackend } from './backend.js';
import { checkTextFields, countToken, encodePair, lengthGroupedBatches, makeBatch, type EncodedSequence } from './batching.js';
import type { TinyLM } from './model.js';
import { meanScoredNll } from './objective.js';
import { checkOptions, plannedSteps, warmupSteps, yieldToEventLoop, type OptimizerOptions } from './progress.js';
import { Mulberry32 } from '@lamdagent/core/kit';
import { Trainer } from './train-step.js';

export interface SftExample {
  prompt: string;
  completion: string;
}

export type SftOptions = OptimizerOptions;

export interface SftMetrics {
  steps: number;
  epochs: number;
  examples: number;
  /** Input tokens processed (padding excluded). */
  tokens: number;
  /** Completion tokens the loss was computed on. */
  scoredTokens: number;
  /** Characters outside the vocabulary (encoded as <|unk|>); non-zero means the charset misses some. */
  unknownTokens: number;
  /** Loss of the first step. */
  initialLoss: number;
  /** Token-weighted mean loss over the last epoch's steps. */
  finalLoss: number;
  /** Token-weighted mean loss over all steps. */
  meanLoss: number;
  seconds: number;
  tokensPerSecond: number;
}

/** Fine-tune `model` in place on prompt/completion pairs. */
export async function sft(model: TinyLM, examples: readonly SftExample[], opts: SftOptions): Promise<SftMetrics> {
  checkOptions(opts, 'sft');
  checkTextFields('sft: examples', examples, ['prompt', 'completion']);
  await initBackend();
  const { config, tokenizer } = model;
  const seqs: EncodedSequence[] = examples.map((e) => encodePair(tokenizer, e.prompt, e.completion, config.nPositions + 1));
  const lengths = seqs.map((s) => s.ids.length);
  const rng = new Mulberry32(opts.seed);
  const batchesPerEpoch = Math.ceil(seqs.length / opts.batchSize);
  const total = plannedSteps(opts, batchesPerEpoch);
  const warmup = warmupSteps(opts, total);
  const store = model.paramStore();
  const trainer = new Trainer(config, store, new AdamW(store.specs, store.size, { weightDecay: opts.weightDecay ?? 0, maxGradNorm: opts.maxGradNorm ?? 1 }));
  const started = performance.now();
  let step = 0;
  let tokens = 0;
  let scored = 0;
  let initialLoss = NaN;
  let lossSum = 0;
  let epochLossSum = 0;
  let epochScored = 0;
  let epoch = 0;
  for (; step < total; epoch++) {
    epochLossSum = 0;
    epochScored = 0;
    for (const indices of lengthGroupedBatches(lengths, opts.batchSize, rng)) {
      if (step >= total) break;
      opts.signal?.throwIfAborted();
      const batch = makeBatch(
        indices.map((i) => seqs[i] as EncodedSequence),
        tokenizer.padId,
      );
      const lr = learningRateAt(opts.learningRate, step, total, warmup, opts.schedule ?? 'linear');
      const loss = trainer.step(batch, (lp) => meanScoredNll(lp, batch), lr);
      step++;
      tokens += batch.realTokens;
      scored += batch.scoredTokens;
      if (step === 1) initialLoss = loss;
      lossSum += loss * batch.scoredTokens;
      epochLossSum += loss * batch.scoredTokens;
      epochScored += batch.scoredTokens;
      const seconds = (performance.now() - started) / 1000;
      opts.onProgress?.({ step, totalSteps: total, epoch, loss, learningRate: lr, tokensPerSecond: tokens / Math.max(seconds, 1e-9) });
      await yieldToEventLoop();
    }
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    steps: step,
    epochs: step === 0 ? 0 : step / batchesPerEpoch,
    examples: seqs.length,
    tokens,
    scoredTokens: scored,
    unknownTokens: countToken(seqs, tokenizer.unkId),
    initialLoss,
    finalLoss: epochScored > 0 ? epochLossSum / epochScored : NaN,
    meanLoss: scored > 0 ? lossSum / scored : NaN,
    seconds,
    tokensPerSecond: tokens / Math.max(seconds, 1e-9),
  };
}
