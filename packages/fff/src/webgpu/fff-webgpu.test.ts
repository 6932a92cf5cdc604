import { beforeAll, describe, expect, it } from 'vitest';
import { cachedPipelineCount, conditionalMatmulWebGpu, initWebGpu } from '@ufbert/cmm/webgpu';
import { Rng, setBackend, tf, describeBackend, relativeError } from '@ufbert/tensor';
import { webgpuTestExpectation } from '@ufbert/test-utils/webgpu-test-expectation';
import type { Tensor, Tensor1D, Tensor2D } from '@ufbert/tensor';
import { fastFeedforward } from '../conditional-op.js';
import { conditionalInference } from '../inference.js';
import { neuronCount } from '../config.js';
import { FFF } from '../fff-layer.js';
import { FFF_BACKWARD, FFF_FORWARD, FFF_INFER } from '../kernel-names.js';
// Registers the webgpu FFF kernels (this file imports single modules, not the package index).
import './index.js';

interface Case {
  h: number;
  o: number;
  depth: number;
  k: number;
  batch: number;
}

const CASES: Case[] = [
  { h: 16, o: 16, depth: 3, k: 1, batch: 32 },
  { h: 13, o: 7, depth: 0, k: 2, batch: 5 },
  { h: 33, o: 40, depth: 6, k: 4, batch: 65 },
  { h: 24, o: 24, depth: 2, k: 16, batch: 1 },
  { h: 5, o: 3, depth: 9, k: 2, batch: 300 },
];

interface Arrays {
  x: Float32Array;
  wIn: Float32Array;
  bIn: Float32Array;
  wOut: Float32Array;
  up: Float32Array;
}

function arrays(c: Case, seed: number): Arrays {
  const rng = new Rng(seed);
  const n = neuronCount({ depth: c.depth, trees: c.k });
  const fill = (size: number, scale: number) => rng.fillUniform(new Float32Array(size), -scale, scale);
  return { x: fill(c.batch * c.h, 1), wIn: fill(n * c.h, 0.5), bIn: fill(n, 0.2), wOut: fill(c.o * n, 0.5), up: fill(c.batch * c.o, 1) };
}

/** y, nodes, logits and the four gradients of sum(y * up), computed on the active backend. */
async function forwardAndGradients(c: Case, a: Arrays): Promise<Array<Float32Array | Int32Array>> {
  const n = a.bIn.length;
  const x = tf.tensor2d(a.x, [c.batch, c.h]);
  const wIn = tf.tensor2d(a.wIn, [n, c.h]);
  const bIn = tf.tensor1d(a.bIn);
  const wOut = tf.tensor2d(a.wOut, [c.o, n]);
  const up = tf.tensor2d(a.up, [c.batch, c.o]);
  const outputs = tf.tidy(() => {
    const forward = tf.engine().runKernel(FFF_FORWARD, { x, wIn, bIn, wOut }, { depth: c.depth, trees: c.k } as never) as Tensor[];
    const grads = tf.grads((xi: Tensor, wi: Tensor, bi: Tensor, wo: Tensor) =>
      tf.sum(tf.mul(fastFeedforward(xi as Tensor2D, wi as Tensor2D, bi as Tensor1D, wo as Tensor2D, c.depth, c.k), up)),
    )([x, wIn, bIn, wOut]);
    return [...forward, ...grads];
  });
  const values = await Promise.all(outputs.map((t) => t.data() as Promise<Float32Array | Int32Array>));
  tf.dispose([...outputs, x, wIn, bIn, wOut, up]);
  return values;
}

/** An FFF layer that adopts variables holding `a`'s weights, on the active backend. */
function layerOf(c: Case, a: Arrays): FFF {
  const n = a.bIn.length;
  return new FFF(
    { inputWidth: c.h, outputWidth: c.o, depth: c.depth, trees: c.k },
    {
      // tidy frees the temporary tensors; variables outlive it.
      variables: tf.tidy(() => ({
        'linear_in.weight': tf.variable(tf.tensor2d(a.wIn, [n, c.h])),
        'linear_in.bias': tf.variable(tf.tensor1d(a.bIn)),
        'linear_out.weight': tf.variable(tf.tensor2d(a.wOut, [c.o, n])),
      })),
    },
  );
}

const NAMES = ['y', 'nodes', 'logits', 'grad x', 'grad linear_in.weight', 'grad linear_in.bias', 'grad linear_out.weight'];
const gate = webgpuTestExpectation();

describe.skipIf(!gate.expected)(`FFF kernels on webgpu against the cpu backend${gate.expected ? '' : ` (skipped: ${gate.reason})`}`, () => {
  beforeAll(async () => {
    await setBackend('webgpu');
    console.info(`FFF kernels: running on ${describeBackend()}`);
  }, 60_000);

  it.each(CASES)('forward, visited nodes and all gradients (%o)', async (c) => {
    const a = arrays(c, c.h * 7 + c.depth);
    await setBackend('cpu');
    const expected = await forwardAndGradients(c, a);
    await setBackend('webgpu');
    const actual = await forwardAndGradients(c, a);
    actual.forEach((values, i) => {
      if (values instanceof Int32Array) expect(Array.from(values), NAMES[i]).toEqual(Array.from(expected[i]));
      else expect(relativeError(values, expected[i]), NAMES[i]).toBeLessThan(1e-5);
    });
  });

  it('infers the same y and nodes as the cpu backend, with and without nodes', async () => {
    const c = { h: 20, o: 11, depth: 4, k: 3, batch: 17 };
    const a = arrays(c, 5);
    const infer = async (returnNodes: boolean) => {
      const x = tf.tensor2d(a.x, [c.batch, c.h]);
      const layer = layerOf(c, a);
      const { y, nodes } = layer.infer(x, { returnNodes });
      const result = { y: (await y.data()) as Float32Array, nodes: nodes ? ((await nodes.data()) as Int32Array) : undefined, dtype: nodes?.dtype };
      tf.dispose([y, ...(nodes ? [nodes] : []), x]);
      layer.dispose();
      return result;
    };
    await setBackend('cpu');
    const expected = await infer(true);
    await setBackend('webgpu');
    const withNodes = await infer(true);
    const plain = await infer(false);
    expect(relativeError(withNodes.y, expected.y)).toBeLessThan(1e-5);
    expect(Array.from(withNodes.nodes!)).toEqual(Array.from(expected.nodes!));
    expect(withNodes.dtype).toBe('int32');
    expect(plain.nodes).toBeUndefined();
    expect(Array.from(plain.y)).toEqual(Array.from(withNodes.y));
  });

  it("infers the bits of cmm's webgpu ConditionalMatmul kernel", async () => {
    await setBackend('webgpu');
    await initWebGpu();
    const c = { h: 37, o: 19, depth: 6, k: 3, batch: 41 };
    const a = arrays(c, 17);
    const n = a.bIn.length;
    const shape = { trees: c.k, depth: c.depth, inputSize: c.h, outputSize: c.o };
    const prepared = conditionalMatmulWebGpu.prepare(
      { wIn: { values: a.wIn, shape: [n, c.h] }, bIn: { values: a.bIn, shape: [n] }, wOut: { values: a.wOut, shape: [c.o, n] } },
      shape,
    );
    const expected = await conditionalMatmulWebGpu.run(prepared, a.x, c.batch, { returnNodes: true });
    prepared.dispose();
    const layer = layerOf(c, a);
    const x = tf.tensor2d(a.x, [c.batch, c.h]);
    const { y, nodes } = layer.infer(x, { returnNodes: true });
    expect(layer.describeKernel()).toBe('ConditionalMatmul/webgpu/fused');
    expect(Array.from((await y.data()) as Float32Array)).toEqual(Array.from(expected.y));
    expect(Array.from((await nodes!.data()) as Int32Array)).toEqual(Array.from(expected.nodes!));
    tf.dispose([x, y, nodes!]);
    layer.dispose();
  });

  it('reads linear_out from the neuron-major rows [N, O] it is given, as cmm prepares it', async () => {
    await setBackend('webgpu');
    const c = { h: 9, o: 6, depth: 3, k: 2, batch: 7 };
    const a = arrays(c, 23);
    const n = a.bIn.length;
    const [x, wIn, bIn, wOut] = [tf.tensor2d(a.x, [c.batch, c.h]), tf.tensor2d(a.wIn, [n, c.h]), tf.tensor1d(a.bIn), tf.tensor2d(a.wOut, [c.o, n])];
    const rows = tf.transpose(wOut) as Tensor2D;
    const scaled = tf.mul(rows, 2) as Tensor2D;
    const plain = conditionalInference(x as Tensor2D, wIn as Tensor2D, bIn as Tensor1D, wOut as Tensor2D, c.depth, c.k, { kind: 'webgpu', outputRows: rows }).y;
    const doubled = conditionalInference(x as Tensor2D, wIn as Tensor2D, bIn as Tensor1D, wOut as Tensor2D, c.depth, c.k, {
      kind: 'webgpu',
      outputRows: scaled,
    }).y;
    const expected = (await plain.data()) as Float32Array;
    expect(Array.from((await doubled.data()) as Float32Array)).toEqual(Array.from(expected, (v) => 2 * v));
    tf.dispose([x, wIn, bIn, wOut, rows, scaled, plain, doubled]);
  });

  it('refuses inference without the neuron-major linear_out, naming what it expected', () => {
    const inputs = { x: tf.zeros([2, 6]), wIn: tf.ones([7, 6]), bIn: tf.ones([7]), wOut: tf.ones([4, 7]) };
    expect(() => tf.engine().runKernel(FFF_INFER, inputs, { depth: 2, trees: 1 } as never)).toThrow(
      /expected inputs x, wIn, bIn and wOutRows \(linear_out.weight as \[N, O\]/,
    );
    tf.dispose(Object.values(inputs));
  });

  it('gives the same gradient bits on every run and reuses its pipelines', async () => {
    await setBackend('webgpu');
    const c = CASES[2];
    const a = arrays(c, 11);
    const first = await forwardAndGradients(c, a);
    const device = (tf.backend() as unknown as { device: GPUDevice }).device;
    const pipelines = cachedPipelineCount(device);
    const second = await forwardAndGradients(c, a);
    second.forEach((values, i) => expect(Array.from(values), NAMES[i]).toEqual(Array.from(first[i])));
    expect(cachedPipelineCount(device)).toBe(pipelines);
  });

  it('handles an empty batch in the forward, the backward and inference', async () => {
    // tf.sum of an empty tensor fails in tfjs's webgpu backend itself, so the kernels run directly.
    await setBackend('webgpu');
    const attrs = { depth: 2, trees: 2 } as never;
    const x = tf.zeros([0, 6]);
    const wIn = tf.ones([14, 6]);
    const bIn = tf.ones([14]);
    const wOut = tf.ones([4, 14]);
    const [y, nodes, logits] = tf.engine().runKernel(FFF_FORWARD, { x, wIn, bIn, wOut }, attrs) as Tensor[];
    expect([y.shape, nodes.shape, logits.shape]).toEqual([
      [0, 4],
      [0, 2, 3],
      [0, 2, 3],
    ]);
    const dy = tf.zeros([0, 4]);
    const grads = tf.engine().runKernel(FFF_BACKWARD, { dy, x, wIn, wOut, nodes, logits }, attrs) as Tensor[];
    expect(grads.map((g) => g.shape)).toEqual([[0, 6], [14, 6], [14], [4, 14]]);
    const [, dWIn, dbIn, dWOut] = await Promise.all(grads.map((g) => g.data()));
    expect([...dWIn, ...dbIn, ...dWOut].every((v) => v === 0)).toBe(true);
    const outputRows = tf.ones([14, 4]) as Tensor2D;
    const inferred = conditionalInference(
      x as Tensor2D,
      wIn as Tensor2D,
      bIn as Tensor1D,
      wOut as Tensor2D,
      2,
      2,
      { kind: 'webgpu', outputRows },
      { returnNodes: true },
    );
    expect([inferred.y.shape, inferred.nodes!.shape]).toEqual([
      [0, 4],
      [0, 2, 3],
    ]);
    tf.dispose([x, wIn, bIn, wOut, outputRows, y, nodes, logits, dy, ...grads, inferred.y, inferred.nodes!]);
  });
});
