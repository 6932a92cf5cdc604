import { expect, it } from 'vitest';
import { tf, Rng, ShapeError, relativeError } from '@ufbert/tensor';
import type { Tensor, Tensor1D, Tensor2D } from '@ufbert/tensor';
import { fastFeedforward } from './conditional-op.js';
import { maskedFeedforward } from './masked-oracle.js';
import { FFF } from './fff-layer.js';
import { neuronCount, FFFConfigError } from './config.js';
import { nodesPerTree } from '@ufbert/cmm';
import { describeEachBackend } from './test-utils/backends.js';

interface Case {
  h: number;
  o: number;
  depth: number;
  k: number;
  batch: number;
}

function tensors(c: Case, seed: number) {
  const rng = new Rng(seed);
  const n = neuronCount({ depth: c.depth, trees: c.k });
  return {
    x: rng.normalTensor([c.batch, c.h]) as Tensor2D,
    wIn: rng.uniformTensor([n, c.h], -0.5, 0.5) as Tensor2D,
    bIn: rng.uniformTensor([n], -0.2, 0.2) as Tensor1D,
    wOut: rng.uniformTensor([c.o, n], -0.5, 0.5) as Tensor2D,
    up: rng.normalTensor([c.batch, c.o]),
  };
}

/** An FFF layer on copies of the given weights (variables share the tensors' data; the tensors stay the caller's). */
function layerOf(wIn: Tensor2D, bIn: Tensor1D, wOut: Tensor2D, depth: number, k: number): FFF {
  const config = { inputWidth: wIn.shape[1], outputWidth: wOut.shape[0], depth, trees: k };
  return new FFF(config, { variables: { 'linear_in.weight': tf.variable(wIn), 'linear_in.bias': tf.variable(bIn), 'linear_out.weight': tf.variable(wOut) } });
}

const CASES: Case[] = [
  { h: 16, o: 16, depth: 3, k: 1, batch: 32 },
  { h: 13, o: 7, depth: 0, k: 2, batch: 5 },
  { h: 33, o: 40, depth: 6, k: 4, batch: 65 },
  { h: 24, o: 24, depth: 2, k: 16, batch: 1 },
];

describeEachBackend('fastFeedforward', () => {
  it.each(CASES)('forward and all gradients equal the dense masking oracle (%o)', async (c) => {
    const before = tf.memory().numTensors;
    const t = tensors(c, c.h * 31 + c.depth);
    const run = (f: typeof fastFeedforward) =>
      tf.tidy(() => {
        const y = f(t.x, t.wIn, t.bIn, t.wOut, c.depth, c.k);
        const grads = tf.grads((x: Tensor, wi: Tensor, bi: Tensor, wo: Tensor) =>
          tf.sum(tf.mul(f(x as Tensor2D, wi as Tensor2D, bi as Tensor1D, wo as Tensor2D, c.depth, c.k), t.up)),
        )([t.x, t.wIn, t.bIn, t.wOut]);
        return [y, ...grads];
      });
    const ours = run(fastFeedforward);
    const oracle = run(maskedFeedforward);
    for (let i = 0; i < ours.length; i++) {
      expect(relativeError(await ours[i].data(), await oracle[i].data())).toBeLessThan(1e-5);
    }
    tf.dispose([...ours, ...oracle, ...Object.values(t)]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('FFF.infer gives the same y and the visited nodes', async () => {
    const c = { h: 20, o: 11, depth: 4, k: 3, batch: 17 };
    const t = tensors(c, 5);
    const layer = layerOf(t.wIn, t.bIn, t.wOut, c.depth, c.k);
    const { y, nodes } = layer.infer(t.x, { returnNodes: true });
    const reference = maskedFeedforward(t.x, t.wIn, t.bIn, t.wOut, c.depth, c.k);
    expect(relativeError(await y.data(), await reference.data())).toBeLessThan(1e-5);
    expect(nodes!.shape).toEqual([17, 3, 5]);
    expect(nodes!.dtype).toBe('int32');
    const n = nodesPerTree(4);
    const visited = await nodes!.data();
    for (let b = 0; b < 17; b++) {
      for (let tree = 0; tree < 3; tree++) {
        const path = Array.from(visited.slice((b * 3 + tree) * 5, (b * 3 + tree + 1) * 5));
        expect(path[0]).toBe(tree * n);
        for (let l = 1; l < 5; l++) expect([2 * (path[l - 1] - tree * n) + 1, 2 * (path[l - 1] - tree * n) + 2]).toContain(path[l] - tree * n);
      }
    }
    tf.dispose([y, nodes!, reference, ...Object.values(t)]);
    layer.dispose();
  });

  it('sends a logit of exactly 0 left', async () => {
    // Zero weights and biases: every logit is exactly 0, so every token walks the left spine.
    const x = tf.ones([3, 4]) as Tensor2D;
    const wIn = tf.zeros([7, 4]) as Tensor2D;
    const bIn = tf.zeros([7]) as Tensor1D;
    const wOut = tf.ones([2, 7]) as Tensor2D;
    const layer = layerOf(wIn, bIn, wOut, 2, 1);
    const { y, nodes } = layer.infer(x, { returnNodes: true });
    expect(Array.from(await nodes!.data())).toEqual([0, 1, 3, 0, 1, 3, 0, 1, 3]);
    expect(Array.from(await y.data())).toEqual([0, 0, 0, 0, 0, 0]);
    tf.dispose([x, wIn, bIn, wOut, y, nodes!]);
    layer.dispose();
  });

  it('propagates NaN inputs to NaN outputs without throwing (NaN logits go left)', async () => {
    const c = { h: 8, o: 4, depth: 2, k: 1, batch: 2 };
    const t = tensors(c, 9);
    const x = tf.tensor2d([NaN, 0, 0, 0, 0, 0, 0, 0, ...(await t.x.data()).slice(8)], [2, 8]);
    const layer = layerOf(t.wIn, t.bIn, t.wOut, c.depth, c.k);
    const { y, nodes } = layer.infer(x, { returnNodes: true });
    const values = await y.data();
    expect(Array.from(values.slice(0, 4)).every(Number.isNaN)).toBe(true);
    expect(Array.from(values.slice(4)).some(Number.isNaN)).toBe(false);
    expect(Array.from((await nodes!.data()).slice(0, 3))).toEqual([0, 1, 3]);
    const yTrain = fastFeedforward(x, t.wIn, t.bIn, t.wOut, c.depth, c.k);
    expect(Array.from((await yTrain.data()).slice(0, 4)).every(Number.isNaN)).toBe(true);
    tf.dispose([x, y, nodes!, yTrain, ...Object.values(t)]);
    layer.dispose();
  });

  it('names the expected shape when parameters do not fit depth and trees', () => {
    const t = tensors({ h: 8, o: 4, depth: 2, k: 1, batch: 2 }, 1);
    expect(() => fastFeedforward(t.x, t.wIn, t.bIn, t.wOut, 3, 1)).toThrow(ShapeError);
    expect(() => fastFeedforward(t.x, t.wIn, t.bIn, t.wOut, 3, 1)).toThrow('expected linear_in.weight of shape [15, 8]');
    expect(() => fastFeedforward(t.x, t.wIn, t.bIn, t.wOut, 2, 2)).toThrow('expected linear_in.weight of shape [14, 8]');
    const wideX = tf.zeros([2, 9]) as Tensor2D;
    expect(() => fastFeedforward(wideX, t.wIn, t.bIn, t.wOut, 2, 1)).toThrow('expected linear_in.weight of shape [7, 9]');
    expect(() => fastFeedforward(t.x, t.wIn, t.bIn, t.wOut, -1, 1)).toThrow(FFFConfigError);
    expect(() => fastFeedforward(t.x, t.wIn, t.bIn, t.wOut, 2, 0.5)).toThrow(FFFConfigError);
    tf.dispose([wideX, ...Object.values(t)]);
  });
});
