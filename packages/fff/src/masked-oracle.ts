import { tf, geluExact } from '@ufbert/tensor';
import type { Tensor, Tensor1D, Tensor2D } from '@ufbert/tensor';
import { nodesPerTree } from '@ufbert/cmm';

/**
 * The reference's own algorithm (fff.py): all N logits, a 0/1 mask of the hard
 * root-to-leaf path built without gradient, GELU(logits) * mask, then linear_out.
 * O(N) per token; kept only as the oracle the conditional op is tested against.
 * Everything stays on the backend (no synchronous read), so it runs on webgpu too.
 */
export function maskedFeedforward(x: Tensor2D, wIn: Tensor2D, bIn: Tensor1D, wOut: Tensor2D, depth: number, trees: number): Tensor2D {
  return tf.tidy(() => {
    const logits = tf.add(tf.matMul(x, wIn, false, true), bIn) as Tensor2D;
    const activations = tf.mul(geluExact(logits), pathMask(logits, depth, trees));
    return tf.matMul(activations, wOut, false, true) as Tensor2D;
  });
}

/** The routing has no gradient, as in the reference (its decision map is built under no_grad). */
const pathMask = (logits: Tensor2D, depth: number, trees: number): Tensor =>
  tf.customGrad((...args: unknown[]) => {
    const input = args[0] as Tensor2D;
    const n = nodesPerTree(depth);
    const [batch] = input.shape;
    const value = tf.tidy(() => {
      // A tree of depth 0 is its root alone, which every token visits.
      if (n === 1) return tf.ones([batch, trees]);
      const right = tf.cast(tf.greater(tf.reshape(input, [batch, trees, n]), 0), 'int32');
      let node = tf.zeros([batch, trees], 'int32');
      let mask = tf.zeros([batch, trees, n]);
      for (let level = 0; level <= depth; level++) {
        const here = tf.oneHot(node, n);
        mask = tf.add(mask, tf.cast(here, 'float32'));
        const move = tf.sum(tf.mul(right, here), -1);
        node = tf.add(tf.add(tf.mul(node, tf.scalar(2, 'int32')), tf.scalar(1, 'int32')), move);
      }
      return tf.reshape(mask, [batch, trees * n]);
    });
    return { value, gradFunc: () => tf.zerosLike(input) };
  })(logits);
