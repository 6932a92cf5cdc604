import { geluFast } from '@ufbert/tensor';
import { claimPrepared, kernelLabel } from '../../prepared.js';
import type { DenseMatmulKernel } from '../../types.js';
import { checkBatch, outputArray } from '../../validate.js';
import { dot4 } from './blas.js';
import { prepareTsDense, TsDensePrepared } from './dense-prepared.js';

const identity = { kernelName: 'DenseMatmul', backend: 'ts', level: 2 } as const;
const label = kernelLabel(identity);

/** out[r] = matrix[r] . v[vOff ..] for r < rows: one matrix-vector product. */
function matVec(matrix: Float32Array, rows: number, cols: number, v: Float32Array, vOff: number, out: Float32Array): void {
  for (let r = 0; r < rows; r++) out[r] = dot4(matrix, r * cols, v, vOff, cols);
}

/** Level 2: per token, two matrix-vector products, hidden = GELU(wIn x + bIn), y = wOut hidden. */
export const denseMatmulTsLevel2: DenseMatmulKernel = {
  ...identity,
  isSupported: () => true,
  prepare: (weights, shape) => prepareTsDense(weights, shape, label, false),
  run(prepared, x, batch, options = {}) {
    const p = claimPrepared(prepared, TsDensePrepared, label);
    const { inputSize: h, hiddenSize: m, outputSize: o } = p.shape;
    checkBatch('x', x, batch, h);
    const y = outputArray(options.out, batch, o, false);
    const hidden = new Float32Array(m);
    const out = new Float32Array(o);
    for (let b = 0; b < batch; b++) {
      matVec(p.wIn, m, h, x, b * h, hidden);
      for (let i = 0; i < m; i++) hidden[i] = geluFast(Math.fround(hidden[i] + p.bIn[i]));
      matVec(p.wOut, o, m, hidden, 0, out);
      y.set(out, b * o);
    }
    return { y };
  },
};
