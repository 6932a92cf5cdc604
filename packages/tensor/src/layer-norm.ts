import { tf } from './tf.js';
import type { Tensor, Tensor1D } from '@tensorflow/tfjs-core';
import { ShapeError, formatShape } from './errors.js';

/**
 * LayerNorm over the last axis, as torch.nn.LayerNorm: biased variance, eps inside
 * the square root. Built from differentiable tfjs ops, so gradients come from autograd.
 */
export function layerNorm<T extends Tensor>(x: T, weight: Tensor1D, bias: Tensor1D, eps = 1e-12): T {
  const width = x.shape[x.shape.length - 1];
  if (weight.shape[0] !== width || bias.shape[0] !== width) {
    throw new ShapeError(
      `layerNorm: expected weight and bias of shape [${width}] for input ${formatShape(x.shape)}, got ${formatShape(weight.shape)} and ${formatShape(bias.shape)}`,
    );
  }
  return tf.tidy(() => {
    const axis = x.shape.length - 1;
    const mean = tf.mean(x, axis, true);
    const centered = tf.sub(x, mean);
    const variance = tf.mean(tf.square(centered), axis, true);
    const normed = tf.mul(centered, tf.rsqrt(tf.add(variance, eps)));
    return tf.add(tf.mul(normed, weight), bias) as T;
  });
}
