import { tf, geluExact } from '@ufbert/tensor';
import type { Tensor2D } from '@ufbert/tensor';
import type { FFF } from '@ufbert/fff';
import { dense, recordingGradients, type DenseWeight } from './dense.js';

/** The block's weights in the reference layout (no biases on the dense block: use_bias false). */
export type FeedforwardWeights = { kind: 'ff'; denseIn: DenseWeight; denseOut: DenseWeight } | { kind: 'fff'; layer: FFF };

/**
 * `ff`: dense_out(GELU(dense_in(x))), FFNComponent. `fff`: @ufbert/fff's layer (a hard
 * root-to-leaf path per tree), on tokens flattened to [T, H]: its differentiable op while
 * gradients are recorded, else its inference, which keeps the weights in the layout its
 * kernel wants from call to call.
 */
export function feedforward(x: Tensor2D, weights: FeedforwardWeights): Tensor2D {
  if (weights.kind === 'fff') {
    if (recordingGradients()) return weights.layer.apply(x) as Tensor2D;
    return weights.layer.infer(x).y as Tensor2D;
  }
  return tf.tidy(() => dense(geluExact(dense(x, weights.denseIn)), weights.denseOut));
}
