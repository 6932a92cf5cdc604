import { expect, it } from 'vitest';
import { tf } from './tf.js';
import { layerNorm } from './layer-norm.js';
import { ShapeError } from './errors.js';
import { Rng } from './rng.js';
import { describeEachBackend } from './test-utils/backends.js';
import { relativeError } from './compare.js';

const ROWS = 24;
const WIDTH = 37;

interface Case {
  x: Float32Array;
  w: Float32Array;
  b: Float32Array;
  up: Float32Array;
}

function makeCase(): Case {
  const rng = new Rng(11);
  const x = rng.fillNormal(new Float32Array(ROWS * WIDTH), 0.3, 1.7);
  // A row of constants: variance 0, where eps decides the result.
  x.fill(0.25, 0, WIDTH);
  return {
    x,
    w: rng.fillNormal(new Float32Array(WIDTH), 1, 0.3),
    b: rng.fillNormal(new Float32Array(WIDTH), 0, 0.3),
    up: rng.fillNormal(new Float32Array(ROWS * WIDTH)),
  };
}

/** Forward and backward of torch.nn.LayerNorm in float64 for loss sum(y * up). */
function reference(c: Case, eps: number) {
  const y = new Float64Array(c.x.length);
  const dx = new Float64Array(c.x.length);
  const dw = new Float64Array(WIDTH);
  const db = new Float64Array(WIDTH);
  for (let r = 0; r < ROWS; r++) {
    const row = Array.from(c.x.subarray(r * WIDTH, (r + 1) * WIDTH));
    const mean = row.reduce((a, v) => a + v, 0) / WIDTH;
    const variance = row.reduce((a, v) => a + (v - mean) ** 2, 0) / WIDTH;
    const inv = 1 / Math.sqrt(variance + eps);
    const xhat = row.map((v) => (v - mean) * inv);
    const g = xhat.map((_, j) => c.up[r * WIDTH + j] * c.w[j]);
    const gMean = g.reduce((a, v) => a + v, 0) / WIDTH;
    const gxMean = g.reduce((a, v, j) => a + v * xhat[j], 0) / WIDTH;
    for (let j = 0; j < WIDTH; j++) {
      y[r * WIDTH + j] = xhat[j] * c.w[j] + c.b[j];
      dx[r * WIDTH + j] = inv * (g[j] - gMean - xhat[j] * gxMean);
      dw[j] += c.up[r * WIDTH + j] * xhat[j];
      db[j] += c.up[r * WIDTH + j];
    }
  }
  return { y, dx, dw, db };
}

describeEachBackend('layerNorm', () => {
  // eps 1e-5 keeps the constant row's gradient finite in float32; 1e-12 is the reference's value.
  it.each([1e-5, 1e-12])('forward and gradients match float64 to 1e-6 (eps %d)', async (eps) => {
    const c = makeCase();
    const ref = reference(c, eps);
    const before = tf.memory().numTensors;
    const [x, w, b, up] = [tf.tensor2d(c.x, [ROWS, WIDTH]), tf.tensor1d(c.w), tf.tensor1d(c.b), tf.tensor2d(c.up, [ROWS, WIDTH])];
    const y = layerNorm(x, w, b, eps);
    const grads = tf.grads((xi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor) =>
      tf.sum(tf.mul(layerNorm(xi as tf.Tensor2D, wi as tf.Tensor1D, bi as tf.Tensor1D, eps), up)),
    )([x, w, b]);
    const [gy, gx, gw, gb] = await Promise.all([y.data(), ...grads.map((g) => g.data())]);
    tf.dispose([x, w, b, up, y, ...grads]);
    expect(tf.memory().numTensors).toBe(before);
    expect(relativeError(gy, ref.y)).toBeLessThan(1e-6);
    // The constant first row's dx is 0 / sqrt(eps) in exact arithmetic; compare the rest.
    expect(relativeError(gx.slice(WIDTH), ref.dx.slice(WIDTH))).toBeLessThan(1e-5);
    expect(relativeError(gw, ref.dw)).toBeLessThan(1e-6);
    expect(relativeError(gb, ref.db)).toBeLessThan(1e-6);
  });

  it('names the expected shape when weight does not fit', () => {
    const x = tf.zeros([2, 4]) as tf.Tensor2D;
    const w = tf.ones([3]) as tf.Tensor1D;
    expect(() => layerNorm(x, w, w)).toThrow(ShapeError);
    expect(() => layerNorm(x, w, w)).toThrow(/expected weight and bias of shape \[4\]/);
    tf.dispose([x, w]);
  });
});
