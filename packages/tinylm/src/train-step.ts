/** One optimisation step: forward and backward on the kernels, AdamW on the host over the flat buffer. */
import type { AdamW } from './adamw.js';
import type { TokenBatch } from './batching.js';
import type { GPT2Config } from './config.js';
import { ParamAddrs, backward, forwardLogProbs, uploadParams } from './engine/gpt2.js';
import { rt } from './engine/runtime.js';
import type { ObjectiveValue } from './objective.js';
import type { ParamStore } from './params.js';

/** A loss over the batch's per-position log-probabilities. */
export type Objective = (lp: Float32Array) => ObjectiveValue;

/** Per-position log p(target) of a batch (no gradient). */
export function batchLogProbs(config: GPT2Config, flat: Float32Array, batch: TokenBatch): Float32Array {
  const r = rt();
  const mark = r.mark();
  try {
    const p = uploadParams(r, config, flat);
    const s = forwardLogProbs(r, config, p, batch.B, batch.T, batch.inputs, batch.positions, batch.targets);
    return r.f32(s.lp, s.N).slice();
  } finally {
    r.release(mark);
  }
}

/** Loss and gradients (in the flat layout) of `objective` on `batch`; `grads` is overwritten. */
export function lossAndGradients(config: GPT2Config, flat: Float32Array, batch: TokenBatch, objective: Objective, grads: Float32Array): number {
  const r = rt();
  const mark = r.mark();
  try {
    const p = uploadParams(r, config, flat);
    const s = forwardLogProbs(r, config, p, batch.B, batch.T, batch.inputs, batch.positions, batch.targets);
    const { loss, dlp } = objective(r.f32(s.lp, s.N).slice());
    if (!Number.isFinite(loss)) return loss;
    const g = ParamAddrs.of(config, r.floats(flat.length, true));
    backward(r, config, p, s, dlp, g);
    grads.set(r.f32(g.base, flat.length));
    return loss;
  } finally {
    r.release(mark);
  }
}

export class Trainer {
  private readonly grads: Float32Array;

  constructor(
    private readonly config: GPT2Config,
    private readonly store: ParamStore,
    private readonly optimizer: AdamW,
  ) {
    this.grads = new Float32Array(store.size);
  }

  /** Compute the loss and its gradients, apply one AdamW step at `lr` (skipped if the loss is not finite). */
  step(batch: TokenBatch, objective: Objective, lr: number): number {
    const loss = lossAndGradients(this.config, this.store.flat, batch, objective, this.grads);
    if (Number.isFinite(loss)) this.optimizer.step(this.store.flat, this.grads, lr, rt().adamw);
    return loss;
  }
}
