import { tf, geluExact } from '@ufbert/tensor';
import type { Tensor1D, Tensor2D } from '@ufbert/tensor';
import { nodesPerTree } from './config.js';

/**
 * The reference's own algorithm (fff.py): all N logits, a 0/1 mask of the hard
 * root-to-leaf path built without gradient, GELU(logits) * mask, then linear_out.
 * O(N) per token; kept only as the oracle the conditional op is tested against.
 */
export function maskedFeedforward(
  x: Tensor2D,
  wIn: Tensor2D,
  bIn: Tensor1D,
  wOut: Tensor2D,
  depth: number,
  parallelSize: number,
): Tensor2D {
  return tf.tidy(() => {
    const logits = tf.add(tf.matMul(x, wIn, false, true), bIn) as Tensor2D;
    const mask = tf.tensor2d(pathMask(logits.dataSync() as Float32Array, x.shape[0], depth, parallelSize), logits.shape);
    const activations = tf.mul(geluExact(logits), mask);
    return tf.matMul(activations, wOut, false, true) as Tensor2D;
  });
}

function pathMask(logits: Float32Array, batch: number, depth: number, parallelSize: number): Float32Array {
  const n = nodesPerTree(depth);
  const width = n * parallelSize;
  const mask = new Float32Array(batch * width);
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < parallelSize; t++) {
      const base = b * width + t * n;
      let node = 0;
      for (let level = 0; level <= depth; level++) {
        mask[base + node] = 1;
        node = 2 * node + 1 + (logits[base + node] > 0 ? 1 : 0);
      }
    }
  }
  return mask;
}
