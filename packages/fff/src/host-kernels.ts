import { fastestKernel } from '@ufbert/cmm';
import type {
  ConditionalBackwardKernel,
  ConditionalForwardTrainKernel,
  ConditionalMatmulKernel,
  ConditionalShape,
  ConditionalWeights,
  BackwardInputs,
  BackwardResult,
  ForwardTrainResult,
  PreparedConditional,
} from '@ufbert/cmm';

export type PreparedInference = PreparedConditional;

let inference: ConditionalMatmulKernel | undefined;
export function inferenceKernel(): ConditionalMatmulKernel {
  inference ??= fastestKernel('ConditionalMatmul');
  return inference;
}

interface TrainingKernels {
  forward(shape: ConditionalShape, x: Float32Array, batch: number, weights: ConditionalWeights): ForwardTrainResult;
  backward(shape: ConditionalShape, inputs: BackwardInputs): BackwardResult;
}

const shapeKey = (s: ConditionalShape) => `${s.trees}x${s.depth}:${s.inputSize}->${s.outputSize}`;

let training: TrainingKernels | undefined;
/** Training kernels work on the reference layout; what they prepare depends only on the shape, so it is cached per shape. */
export function trainingKernels(): TrainingKernels {
  if (training) return training;
  const forward: ConditionalForwardTrainKernel = fastestKernel('ConditionalForwardTrain');
  const backward: ConditionalBackwardKernel = fastestKernel('ConditionalBackward');
  const forwardPrepared = new Map<string, PreparedConditional>();
  const backwardPrepared = new Map<string, PreparedConditional>();
  const cached = (cache: Map<string, PreparedConditional>, shape: ConditionalShape, make: () => PreparedConditional) => {
    const key = shapeKey(shape);
    let p = cache.get(key);
    if (!p) cache.set(key, (p = make()));
    return p;
  };
  training = {
    forward: (shape, x, batch, weights) => forward.run(cached(forwardPrepared, shape, () => forward.prepare(shape)), { x, batch, weights }),
    backward: (shape, inputs) => backward.run(cached(backwardPrepared, shape, () => backward.prepare(shape)), inputs),
  };
  return training;
}
