import { expect, it } from 'vitest';
import { tf } from './tf.js';
import './backend-gaps.js';
import { describeEachBackend } from './test-utils/backends.js';

describeEachBackend('gather gradient (UnsortedSegmentSum)', () => {
  it('sums the rows of repeated indices', async () => {
    const table = tf.tensor2d([[1, 2], [3, 4], [5, 6]]);
    const ids = tf.tensor1d([2, 0, 2, 2], 'int32');
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, ids), tf.tensor2d([[1, 1], [2, 2], [3, 3], [4, 4]]))))(table);
    expect(Array.from(await g.data())).toEqual([2, 2, 0, 0, 8, 8]);
    tf.dispose([table, ids, g]);
  });
});
