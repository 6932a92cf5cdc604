import { expect, it } from 'vitest';
import { tf } from './tf.js';
import './backend-gaps.js';
import { describeEachBackend } from './test-utils/backends.js';

describeEachBackend('gather gradient (UnsortedSegmentSum)', () => {
  it('sums the rows of repeated indices', async () => {
    const table = tf.tensor2d([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const ids = tf.tensor1d([2, 0, 2, 2], 'int32');
    const g = tf.grad((t: tf.Tensor) =>
      tf.sum(
        tf.mul(
          tf.gather(t, ids),
          tf.tensor2d([
            [1, 1],
            [2, 2],
            [3, 3],
            [4, 4],
          ]),
        ),
      ),
    )(table);
    expect(Array.from(await g.data())).toEqual([2, 2, 0, 0, 8, 8]);
    tf.dispose([table, ids, g]);
  });
});

describeEachBackend('matMul with transposed operands', () => {
  it('equals the product of explicitly transposed operands, rank 2 and 3, and leaks nothing', async () => {
    const a = tf.randomNormal([3, 5, 4], 0, 1, 'float32', 1);
    const b = tf.randomNormal([3, 6, 4], 0, 1, 'float32', 2);
    const before = tf.memory().numTensors;
    const viaFlags = tf.matMul(a, b, false, true);
    const explicit = tf.tidy(() => tf.matMul(a, tf.transpose(b, [0, 2, 1])));
    const both = tf.matMul(a, a, true, false);
    const bothExplicit = tf.tidy(() => tf.matMul(tf.transpose(a, [0, 2, 1]), a));
    const m = tf.randomNormal([5, 5], 0, 1, 'float32', 3);
    const rank2 = tf.matMul(m, m, true, true);
    const rank2Explicit = tf.tidy(() => tf.matMul(tf.transpose(m), tf.transpose(m)));
    for (const [x, y] of [
      [viaFlags, explicit],
      [both, bothExplicit],
      [rank2, rank2Explicit],
    ]) {
      const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(x, y))));
      expect((await diff.data())[0]).toBeLessThan(1e-5);
      diff.dispose();
    }
    tf.dispose([viaFlags, explicit, both, bothExplicit, rank2, rank2Explicit]);
    expect(tf.memory().numTensors).toBe(before + 1);
    tf.dispose([a, b, m]);
  });
});
