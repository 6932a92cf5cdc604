import { geluFast } from '@ufbert/tensor';
import { claimPrepared, kernelLabel } from '../../prepared.js';
import type { DenseMatmulKernel } from '../../types.js';
import { checkBatch, outputArray } from '../../validate.js';
import { axpy, dot } from './blas.js';
import { prepareTsDense, TsDensePrepared } from './dense-prepared.js';

const identity = { kernelName: 'DenseMatmul', backend: 'ts', level: 1 } as const;
const label = kernelLabel(identity);

/** Level 1: for each token and each of the M neurons, one dot and one axpy (wOut prepared as [M, O]). */
export const denseMatmulTsLevel1: DenseMatmulKernel = {
  ...identity,
  isSupported: () => true,
  prepare: (weights, shape) => prepareTsDense(weights, shape, label, true),
  run(prepared, x, batch, options = {}) {
    const p = claimPrepared(prepared, TsDensePrepared, label);
    const { inputSize: h, hiddenSize: m, outputSize: o } = p.shape;
    checkBatch('x', x, batch, h);
    const y = outputArray(options.out, batch, o, true);
    for (let b = 0; b < batch; b++) {
      for (let i = 0; i < m; i++) {
        const logit = Math.fround(dot(x, b * h, p.wIn, i * h, h) + p.bIn[i]);
        axpy(geluFast(logit), p.wOut, i * o, y, b * o, o);
      }
    }
    return { y };
  },
};
