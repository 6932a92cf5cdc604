import { describe, expect, it } from 'vitest';
import { tf } from './tf.js';

// Kernels whose gradients training crammedBERT and an FFF reaches through tfjs ops.
const TRAINED_KERNELS = [
  'Add',
  'BatchMatMul',
  'Cast',
  'GatherV2',
  'Max',
  'Mean',
  'Multiply',
  'RealDiv',
  'Reshape',
  'Rsqrt',
  'Softmax',
  'SplitV',
  'Sqrt',
  'Square',
  'Sub',
  'Sum',
  'Tanh',
  'Transpose',
];

describe('tf', () => {
  it("registers tfjs-core's gradients", () => {
    const missing = TRAINED_KERNELS.filter((name) => tf.getGradient(name) === undefined);
    expect(missing).toEqual([]);
    const a = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    // d/da sum(a a) = 1 aᵀ + aᵀ 1, with 1 the all-ones matrix.
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.matMul(x, x)))(a);
    expect(Array.from(g.dataSync())).toEqual([7, 11, 9, 13]);
    tf.dispose([a, g]);
  });

  it("registers tfjs-core's chained Tensor methods, as the union package did", () => {
    const x = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    const y = x.matMul(x).sum().square();
    expect(y.dataSync()[0]).toBe(54 * 54);
    tf.dispose([x, y]);
  });

  it('does so without the @tensorflow/tfjs union package, which is not a dependency', async () => {
    await expect(import(/* @vite-ignore */ ['@tensorflow', 'tfjs'].join('/'))).rejects.toThrow(/Cannot find|Failed to load|Failed to resolve/);
  });
});
