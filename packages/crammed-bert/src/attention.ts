import { tf } from '@ufbert/tensor';
import type { Tensor, Tensor2D, Tensor3D } from '@ufbert/tensor';
import { dense, type DenseWeight } from './dense.js';

export interface AttentionWeights {
  /** query_key_value.weight [3H, H]. */
  queryKeyValue: DenseWeight;
  /** dense.weight [H, H]. */
  dense: DenseWeight;
  /** norm_factor, head_dim^-0.5, a [1] buffer of the checkpoint. */
  normFactor: Tensor;
}

/**
 * The reference's SeqFirstSelfAttention + output projection, batch-first: the fused
 * projection's output is viewed per token as [heads, 3 * head_dim] and split into q, k, v
 * (not [3, heads, head_dim]); scores are scaled by norm_factor, the additive padding mask
 * is added before the softmax, and the probabilities go through `dropProbs`.
 *
 * x [B, S, H], additiveMask [B, 1, 1, S] or undefined -> [B, S, H].
 */
export function selfAttention(
  x: Tensor3D,
  weights: AttentionWeights,
  heads: number,
  additiveMask: Tensor | undefined,
  dropProbs: (probs: Tensor) => Tensor,
): Tensor3D {
  return tf.tidy(() => {
    const [batch, seq, hidden] = x.shape;
    const headDim = hidden / heads;
    const mixed = dense(tf.reshape(x, [batch * seq, hidden]) as Tensor2D, weights.queryKeyValue);
    const perHead = tf.reshape(mixed, [batch, seq, heads, 3 * headDim]);
    const [q, k, v] = tf.split(perHead, 3, 3).map((t) => tf.transpose(t, [0, 2, 1, 3]));
    let scores = tf.mul(tf.matMul(q, k, false, true), weights.normFactor);
    if (additiveMask) scores = tf.add(scores, additiveMask);
    const probs = dropProbs(tf.softmax(scores, -1));
    const context = tf.transpose(tf.matMul(probs, v), [0, 2, 1, 3]);
    const out = dense(tf.reshape(context, [batch * seq, hidden]) as Tensor2D, weights.dense);
    return tf.reshape(out, [batch, seq, hidden]) as Tensor3D;
  });
}

/**
 * The reference's get_extended_attention_mask: (1 - mask) * -10000, shaped [B, 1, 1, S]
 * so that it broadcasts over heads and query positions.
 */
export function additivePaddingMask(attentionMask: Tensor2D): Tensor {
  return tf.tidy(() => {
    const [batch, seq] = attentionMask.shape;
    const keep = tf.cast(attentionMask, 'float32');
    return tf.reshape(tf.mul(tf.sub(1, keep), -10000), [batch, 1, 1, seq]);
  });
}
