import { fastestKernel } from '@ufbert/cmm';
import type {
  BackwardInputs,
  BackwardResult,
  ConditionalShape,
  ConditionalWeights,
  ForwardTrainResult,
  HostKernelBackend,
  PreparedConditional,
} from '@ufbert/cmm';

interface TrainingKernels {
  forward(shape: ConditionalShape, x: Float32Array, batch: number, weights: ConditionalWeights): ForwardTrainResult;
  backward(shape: ConditionalShape, inputs: BackwardInputs): BackwardResult;
}

const shapeKey = (s: ConditionalShape) => `${s.trees}x${s.depth}:${s.inputSize}->${s.outputSize}`;

const byBackend = new Map<HostKernelBackend, TrainingKernels>();

/**
 * The training kernels of one host backend. They work on the reference layout, whose
 * values change every step; what they prepare depends only on the shape, so it is kept per shape.
 */
export function trainingKernels(backend: HostKernelBackend): TrainingKernels {
  let kernels = byBackend.get(backend);
  if (kernels) return kernels;
  const forward = fastestKernel('ConditionalForwardTrain', [backend]);
  const backward = fastestKernel('ConditionalBackward', [backend]);
  const forwardPrepared = new Map<string, PreparedConditional>();
  const backwardPrepared = new Map<string, PreparedConditional>();
  const cached = (cache: Map<string, PreparedConditional>, shape: ConditionalShape, make: () => PreparedConditional) => {
    const key = shapeKey(shape);
    let p = cache.get(key);
    if (!p) cache.set(key, (p = make()));
    return p;
  };
  kernels = {
    forward: (shape, x, batch, weights) =>
      forward.run(
        cached(forwardPrepared, shape, () => forward.prepare(shape)),
        { x, batch, weights },
      ),
    backward: (shape, inputs) =>
      backward.run(
        cached(backwardPrepared, shape, () => backward.prepare(shape)),
        inputs,
      ),
  };
  byBackend.set(backend, kernels);
  return kernels;
}
