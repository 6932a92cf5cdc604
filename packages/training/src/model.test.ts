import { tf, Rng, type Tensor2D } from '@ufbert/tensor';
import { describe, expect, it } from 'vitest';
import { sparseCrossEntropy } from './model.js';

const rng = new Rng(4);

describe('sparseCrossEntropy', () => {
  it('equals the mean softmax cross-entropy, and so does its gradient', async () => {
    const logits = rng.normalTensor([6, 9], 0, 2) as Tensor2D;
    const targets = tf.tensor1d([0, 8, 3, 3, 5, 1], 'int32');
    const dense = (x: Tensor2D) => tf.losses.softmaxCrossEntropy(tf.oneHot(targets, 9), x) as tf.Scalar;
    const ours = tf.valueAndGrad((x: tf.Tensor) => sparseCrossEntropy(x as Tensor2D, targets))(logits);
    const reference = tf.valueAndGrad((x: tf.Tensor) => dense(x as Tensor2D))(logits);
    expect((await ours.value.data())[0]).toBeCloseTo((await reference.value.data())[0], 5);
    const [a, b] = [await ours.grad.data(), await reference.grad.data()];
    a.forEach((g, i) => expect(g).toBeCloseTo(b[i], 6));
    tf.dispose([logits, targets, ours.value, ours.grad, reference.value, reference.grad]);
  });
});
