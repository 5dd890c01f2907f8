/** One optimisation step: loss and gradients with tfjs autodiff, update on the host, refresh tensors. */
import * as tf from '@tensorflow/tfjs-core';
import type { AdamW } from './adamw.js';
import type { Weights } from './forward.js';
import type { ParamStore } from './params.js';

/** A loss over named weights; must return a scalar tensor. */
export type LossFn = (w: Weights) => tf.Scalar;

export class Trainer {
  private readonly grads: Float32Array;

  constructor(
    private readonly store: ParamStore,
    private readonly optimizer: AdamW,
  ) {
    this.grads = new Float32Array(store.size);
  }

  /** Compute the loss and its gradients, apply one AdamW step at `lr`; returns the loss value. */
  step(loss: LossFn, lr: number): number {
    const { store, grads } = this;
    const specs = store.specs;
    let value = NaN;
    tf.tidy(() => {
      const f = (...ws: tf.Tensor[]): tf.Scalar => {
        const byName = new Map(specs.map((s, i) => [s.name, ws[i] as tf.Tensor]));
        return loss({
          get(name: string): tf.Tensor {
            const t = byName.get(name);
            if (!t) throw new Error(`tinylm: unknown parameter ${name}`);
            return t;
          },
        });
      };
      const res = tf.valueAndGrads(f)(store.list());
      value = (res.value.dataSync() as Float32Array)[0] as number;
      res.grads.forEach((g, i) => grads.set(g.dataSync() as Float32Array, (specs[i] as (typeof specs)[number]).offset));
    });
    if (Number.isFinite(value)) {
      this.optimizer.step(store.flat, grads, lr);
      store.refresh();
    }
    return value;
  }
}
