/**
 * tfjs' own gradient definitions for the kernels this model differentiates through.
 *
 * `@tensorflow/tfjs-core`'s Node bundle registers kernels but no gradients (the `@tensorflow/tfjs`
 * union package normally does that). We import tfjs' gradient configs from its ESM files and add
 * them to the global registry, which every copy of tfjs-core shares. The build bundles these files
 * (see tsup.config.ts); vitest transforms them on the fly.
 */
import * as tf from '@tensorflow/tfjs-core';
import { addGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Add_grad.js';
import { addNGradConfig } from '@tensorflow/tfjs-core/dist/gradients/AddN_grad.js';
import { batchMatMulGradConfig } from '@tensorflow/tfjs-core/dist/gradients/BatchMatMul_grad.js';
import { concatGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Concat_grad.js';
import { divGradConfig } from '@tensorflow/tfjs-core/dist/gradients/RealDiv_grad.js';
import { meanGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Mean_grad.js';
import { multiplyGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Multiply_grad.js';
import { negGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Neg_grad.js';
import { reshapeGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Reshape_grad.js';
import { sigmoidGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Sigmoid_grad.js';
import { sliceGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Slice_grad.js';
import { softmaxGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Softmax_grad.js';
import { softplusGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Softplus_grad.js';
import { splitVGradConfig } from '@tensorflow/tfjs-core/dist/gradients/SplitV_grad.js';
import { subGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Sub_grad.js';
import { sumGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Sum_grad.js';
import { transposeGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Transpose_grad.js';

const configs: tf.GradConfig[] = [
  addGradConfig,
  addNGradConfig,
  batchMatMulGradConfig,
  concatGradConfig,
  divGradConfig,
  meanGradConfig,
  multiplyGradConfig,
  negGradConfig,
  reshapeGradConfig,
  sigmoidGradConfig,
  sliceGradConfig,
  softmaxGradConfig,
  softplusGradConfig,
  splitVGradConfig,
  subGradConfig,
  sumGradConfig,
  transposeGradConfig,
];

let registered = false;

/** Register the gradients once (skipping kernels that already have one, e.g. from `@tensorflow/tfjs`). */
export function registerGradients(): void {
  if (registered) return;
  registered = true;
  for (const config of configs) {
    if (tf.getGradient(config.kernelName) === undefined) tf.registerGradient(config);
  }
}
