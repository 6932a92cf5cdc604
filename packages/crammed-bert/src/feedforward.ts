import { tf, geluExact } from '@ufbert/tensor';
import type { Tensor1D, Tensor2D } from '@ufbert/tensor';
import { conditionalInference, fastFeedforward } from '@ufbert/fff';
import { dense, recordingGradients, type DenseWeight } from './dense.js';

/** The block's weights in the reference layout (no biases on the dense block: use_bias false). */
export type FeedforwardWeights =
  | { kind: 'ff'; denseIn: DenseWeight; denseOut: DenseWeight }
  | { kind: 'fff'; linearIn: Tensor2D; linearInBias: Tensor1D; linearOut: Tensor2D; depth: number; trees: number };

/**
 * `ff`: dense_out(GELU(dense_in(x))), FFNComponent. `fff`: the conditional fast feedforward
 * of @ufbert/fff (a hard root-to-leaf path per tree), on tokens flattened to [T, H]: its
 * differentiable op while gradients are recorded, else its inference kernel, which keeps
 * the weights in the layout it wants between calls.
 */
export function feedforward(x: Tensor2D, weights: FeedforwardWeights): Tensor2D {
  if (weights.kind === 'fff') {
    const { linearIn, linearInBias, linearOut, depth, trees } = weights;
    if (recordingGradients()) return fastFeedforward(x, linearIn, linearInBias, linearOut, depth, trees);
    return conditionalInference(x, linearIn, linearInBias, linearOut, depth, trees).y as Tensor2D;
  }
  return tf.tidy(() => dense(geluExact(dense(x, weights.denseIn)), weights.denseOut));
}
