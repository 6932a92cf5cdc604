import { expect, it } from 'vitest';
import { tf } from './tf.js';
import { geluExact } from './gelu.js';
import { gelu, geluDerivative } from './gelu-math.js';
import { Rng } from './rng.js';
import { describeEachBackend } from './test-utils/backends.js';
import { maxAbsError } from './test-utils/compare.js';

function inputs(): Float32Array {
  const rng = new Rng(7);
  const values = rng.fillNormal(new Float32Array(4096), 0, 2.5);
  values.set([0, -0, 1, -1, 0.999, 1.001, 6.5, -6.5, 12, -12], 0);
  return values;
}

describeEachBackend('geluExact', () => {
  it('forward matches float64 to 1e-6', async () => {
    const x = inputs();
    const before = tf.memory().numTensors;
    const xt = tf.tensor(x, [64, 64]);
    const y = geluExact(xt);
    const got = await y.data();
    tf.dispose([xt, y]);
    expect(tf.memory().numTensors).toBe(before);
    expect(maxAbsError(got, Array.from(x, gelu))).toBeLessThan(1e-6);
  });

  it('gradient matches float64 to 1e-6', async () => {
    const x = inputs();
    const rng = new Rng(8);
    const upstream = rng.fillNormal(new Float32Array(x.length));
    const before = tf.memory().numTensors;
    const [xt, ut] = [tf.tensor(x, [64, 64]), tf.tensor(upstream, [64, 64])];
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(geluExact(v), ut)))(xt);
    const got = await g.data();
    tf.dispose([xt, ut, g]);
    expect(tf.memory().numTensors).toBe(before);
    const expected = Array.from(x, (z, i) => upstream[i] * geluDerivative(z));
    expect(maxAbsError(got, expected)).toBeLessThan(1e-6 * Math.max(...expected.map(Math.abs)));
  });

  it('rejects non-float input', () => {
    const t = tf.tensor([1, 2], [2], 'int32');
    expect(() => geluExact(t)).toThrow(/float32/);
    t.dispose();
  });
});
