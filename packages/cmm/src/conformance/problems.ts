// Seeded weights and inputs for a conformance case: every runner of the suite draws the same ones.
import { Rng } from '@ufbert/tensor';
import { nodesPerTree } from '../tree.js';
import type { ConditionalShape, ConditionalWeights, DenseShape, DenseWeights } from '../types.js';

export interface ConditionalCase extends ConditionalShape {
  batch: number;
  /** Logits have a standard deviation of about logitScale / 3 (default 3). */
  logitScale?: number;
}

export interface ConditionalProblem {
  shape: ConditionalShape;
  weights: ConditionalWeights;
  x: Float32Array;
  batch: number;
}

function uniform(rng: Rng, size: number, scale: number): Float32Array {
  return rng.fillUniform(new Float32Array(size), -scale, scale);
}

export function randomConditional(seed: number, c: ConditionalCase): ConditionalProblem {
  const rng = new Rng(seed);
  const { trees, depth, inputSize: h, outputSize: o, batch } = c;
  const neurons = trees * nodesPerTree(depth);
  const scale = (c.logitScale ?? 3) / Math.sqrt(h);
  const shape = { trees, depth, inputSize: h, outputSize: o };
  return {
    shape,
    weights: {
      wIn: { values: uniform(rng, neurons * h, scale), shape: [neurons, h] },
      bIn: { values: uniform(rng, neurons, 0.3), shape: [neurons] },
      wOut: { values: uniform(rng, o * neurons, 1), shape: [o, neurons] },
    },
    x: uniform(rng, batch * h, 1),
    batch,
  };
}

export interface DenseCase extends DenseShape {
  batch: number;
  bias: boolean;
}

export interface DenseProblem {
  shape: DenseShape;
  weights: DenseWeights;
  x: Float32Array;
  batch: number;
}

export function randomDense(seed: number, c: DenseCase): DenseProblem {
  const rng = new Rng(seed);
  const { inputSize: h, hiddenSize: m, outputSize: o, batch } = c;
  const scale = 3 / Math.sqrt(h);
  return {
    shape: { inputSize: h, hiddenSize: m, outputSize: o },
    weights: {
      wIn: { values: uniform(rng, m * h, scale), shape: [m, h] },
      bIn: c.bias ? { values: uniform(rng, m, 0.3), shape: [m] } : undefined,
      wOut: { values: uniform(rng, o * m, 1 / Math.sqrt(m)), shape: [o, m] },
    },
    x: uniform(rng, batch * h, 1),
    batch,
  };
}

export function randomArray(seed: number, size: number, scale = 1): Float32Array {
  return uniform(new Rng(seed), size, scale);
}
