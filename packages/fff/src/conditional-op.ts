import { tf, registerTfjsHostKernel, ShapeError, formatShape, activeBackend } from '@ufbert/tensor';
import { chooseKernel, type HostKernelBackend, type KernelChoice } from '@ufbert/cmm';
import type { Tensor, Tensor1D, Tensor2D } from '@ufbert/tensor';
import type { NamedAttrMap } from '@tensorflow/tfjs-core';
import { neuronCount, validateConfig } from './config.js';
import { FFF_BACKWARD, FFF_FORWARD } from './kernel-names.js';
import { trainingKernels } from './host-kernels.js';

/**
 * Conditional FFF, differentiable: the forward pass computes only the k(d+1) neurons on
 * each token's path; the registered gradient touches only those rows of linear_in and
 * columns of linear_out. Same numbers as the reference's dense masking (fff.py).
 *
 * x [T, H], linear_in.weight [N, H], linear_in.bias [N], linear_out.weight [O, N] -> [T, O].
 */
export function fastFeedforward(
  x: Tensor2D,
  wIn: Tensor2D,
  bIn: Tensor1D,
  wOut: Tensor2D,
  depth: number,
  trees: number,
  options: { kernel?: KernelChoice } = {},
): Tensor2D {
  checkShapes(x, wIn, bIn, wOut, depth, trees);
  const attrs: TrainAttrs = { depth, trees, kernelBackend: trainingBackend(options.kernel) };
  const [y] = tf.engine().runKernel(FFF_FORWARD, { x, wIn, bIn, wOut }, attrs as unknown as NamedAttrMap) as Tensor[];
  return y as Tensor2D;
}

/**
 * The backend of the training kernels for a kernel choice on the active backend's tensors
 * (chosen before any work, so that a bad choice fails first); the training kernels have one
 * level. Undefined on webgpu, whose tfjs kernels record cmm's programs on tfjs's encoder.
 */
function trainingBackend(choice: KernelChoice = {}): HostKernelBackend | undefined {
  const backend = chooseKernel('ConditionalForwardTrain', { backend: choice.backend }, activeBackend()).backend;
  return backend === 'webgpu' ? undefined : backend;
}

interface TrainAttrs {
  depth: number;
  trees: number;
  /** The host training kernels' backend (cpu and wasm tensors); the backward gets the same attributes. */
  kernelBackend?: HostKernelBackend;
}

export function checkShapes(x: Tensor, wIn: Tensor, bIn: Tensor, wOut: Tensor, depth: number, trees: number): void {
  validateConfig({ inputWidth: 1, outputWidth: 1, depth, trees });
  const n = neuronCount({ depth, trees });
  if (x.rank !== 2) throw new ShapeError(`expected x of shape [T, H], got ${formatShape(x.shape)}`);
  const h = x.shape[1] as number;
  const check = (name: string, t: Tensor, expected: number[]) => {
    if (t.rank !== expected.length || t.shape.some((d, i) => d !== expected[i])) {
      throw new ShapeError(
        `expected ${name} of shape ${formatShape(expected)} (k=${trees} trees of depth ${depth}: N=${n}; H=${h}), got ${formatShape(t.shape)}`,
      );
    }
  };
  check('linear_in.weight', wIn, [n, h]);
  check('linear_in.bias', bIn, [n]);
  if (wOut.rank !== 2 || wOut.shape[1] !== n) {
    throw new ShapeError(`expected linear_out.weight of shape [O, ${n}] (k=${trees} trees of depth ${depth}), got ${formatShape(wOut.shape)}`);
  }
  for (const [name, t] of [
    ['x', x],
    ['linear_in.weight', wIn],
    ['linear_in.bias', bIn],
    ['linear_out.weight', wOut],
  ] as const) {
    if (t.dtype !== 'float32') throw new ShapeError(`expected ${name} to be float32, got ${t.dtype}`);
  }
}

registerTfjsHostKernel({
  kernelName: FFF_FORWARD,
  compute({ x, wIn, bIn, wOut }, attrs) {
    const { depth, trees, kernelBackend } = attrs as unknown as TrainAttrs;
    const [batch, inputSize] = x.shape;
    const outputSize = wOut.shape[0];
    const result = trainingKernels(kernelBackend ?? trainingBackend()!).forward({ trees, depth, inputSize, outputSize }, x.values as Float32Array, batch, {
      wIn: view(wIn),
      bIn: view(bIn),
      wOut: view(wOut),
    });
    const path = [batch, trees, depth + 1];
    return [
      { values: result.y, shape: [batch, outputSize] },
      { values: result.nodes, shape: path },
      { values: result.logits, shape: path },
    ];
  },
});

registerTfjsHostKernel({
  kernelName: FFF_BACKWARD,
  compute({ dy, x, wIn, wOut, nodes, logits }, attrs) {
    const { depth, trees, kernelBackend } = attrs as unknown as TrainAttrs;
    const [batch, inputSize] = x.shape;
    const outputSize = wOut.shape[0];
    const g = trainingKernels(kernelBackend ?? trainingBackend()!).backward(
      { trees, depth, inputSize, outputSize },
      {
        dy: dy.values as Float32Array,
        x: x.values as Float32Array,
        batch,
        wIn: view(wIn),
        wOut: view(wOut),
        nodes: nodes.values as Int32Array,
        logits: logits.values as Float32Array,
      },
    );
    return [
      { values: g.dx, shape: x.shape },
      { values: g.dWIn, shape: wIn.shape },
      { values: g.dbIn, shape: [wIn.shape[0]] },
      { values: g.dWOut, shape: wOut.shape },
    ];
  },
});

function view(input: { values: Float32Array | Int32Array; shape: number[] }) {
  return { values: input.values as Float32Array, shape: input.shape };
}

if (!tf.getGradient(FFF_FORWARD)) {
  tf.registerGradient({
    kernelName: FFF_FORWARD,
    inputsToSave: ['x', 'wIn', 'wOut'],
    outputsToSave: [false, true, true],
    gradFunc: (dys, saved, attrs) => {
      const [x, wIn, wOut, nodes, logits] = saved;
      const dy = (Array.isArray(dys) ? dys[0] : dys) as Tensor;
      // One backward kernel gives all four gradients; run it once, here, and hand
      // each out (the engine disposes what no input asks for).
      const [dx, dWIn, dbIn, dWOut] = tf.engine().runKernel(FFF_BACKWARD, { dy, x, wIn, wOut, nodes, logits }, attrs) as Tensor[];
      return { x: () => dx, wIn: () => dWIn, bIn: () => dbIn, wOut: () => dWOut };
    },
  });
}
