import { claimPrepared, kernelLabel } from '../../prepared.js';
import type { DenseMatmulKernel } from '../../types.js';
import { checkBatch, outputArray } from '../../validate.js';
import { prepareTsDense, TsDensePrepared } from './dense-prepared.js';
import { matmulTransposed } from './matmul.js';

const identity = { kernelName: 'DenseMatmul', backend: 'ts', level: 3 } as const;
const label = kernelLabel(identity);

/** Level 3: two blocked matrix-matrix products, hidden = GELU(X wIn^T + bIn) [B, M], Y = hidden wOut^T. */
export const denseMatmulTsLevel3: DenseMatmulKernel = {
  ...identity,
  isSupported: () => true,
  prepare: (weights, shape) => prepareTsDense(weights, shape, label, false),
  run(prepared, x, batch, options = {}) {
    const p = claimPrepared(prepared, TsDensePrepared, label);
    const { inputSize: h, hiddenSize: m, outputSize: o } = p.shape;
    checkBatch('x', x, batch, h);
    const hidden = new Float32Array(batch * m);
    matmulTransposed(x, p.wIn, hidden, batch, m, h, p.bIn, true);
    const y = outputArray(options.out, batch, o, false);
    matmulTransposed(hidden, p.wOut, y, batch, o, m);
    return { y };
  },
};
