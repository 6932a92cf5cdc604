import { Rng } from '@ufbert/tensor';
import { neuronCount, type FFFConfig } from './config.js';

/**
 * `reference`: the reference's init, U(+-1/sqrt(H)) for linear_in (weight and bias,
 * as torch's nn.Linear) and U(+-1/sqrt((d+1)k)) for linear_out.
 * `normal`: crammedBERT's normal(0, std) for every parameter, bias included.
 */
export type FFFInit = { kind: 'reference' } | { kind: 'normal'; std?: number };

export interface FFFInitialValues {
  linearInWeight: Float32Array;
  linearInBias: Float32Array;
  linearOutWeight: Float32Array;
}

export function initialValues(config: FFFConfig, init: FFFInit, seed: number): FFFInitialValues {
  const n = neuronCount(config);
  const rng = new Rng(seed);
  const linearInWeight = new Float32Array(n * config.inputWidth);
  const linearInBias = new Float32Array(n);
  const linearOutWeight = new Float32Array(config.outputWidth * n);
  if (init.kind === 'normal') {
    const std = init.std ?? 0.02;
    rng.fillNormal(linearInWeight, 0, std);
    rng.fillNormal(linearInBias, 0, std);
    rng.fillNormal(linearOutWeight, 0, std);
  } else {
    const a = 1 / Math.sqrt(config.inputWidth);
    const b = 1 / Math.sqrt((config.depth + 1) * config.trees);
    rng.fillUniform(linearInWeight, -a, a);
    rng.fillUniform(linearInBias, -a, a);
    rng.fillUniform(linearOutWeight, -b, b);
  }
  return { linearInWeight, linearInBias, linearOutWeight };
}
