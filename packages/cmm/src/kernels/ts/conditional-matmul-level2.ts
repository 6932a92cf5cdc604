import { geluFast } from '@ufbert/tensor';
import { claimPrepared, kernelLabel } from '../../prepared.js';
import type { ConditionalMatmulKernel } from '../../types.js';
import { checkBatch, outputArray } from '../../validate.js';
import { axpy, dot } from './blas.js';
import { prepareTsConditional, TsConditionalPrepared } from './conditional-prepared.js';

const identity = { kernelName: 'ConditionalMatmul', backend: 'ts', level: 2 } as const;
const label = kernelLabel(identity);

/** logits[b] = x[b] . wIn[rows[b]] + bIn[rows[b]] for every token: one gathered matrix-vector product. */
function gatherDot(x: Float32Array, wIn: Float32Array, bIn: Float32Array, rows: Int32Array, h: number, logits: Float64Array): void {
  for (let b = 0; b < rows.length; b++) logits[b] = Math.fround(dot(x, b * h, wIn, rows[b] * h, h) + bIn[rows[b]]);
}

/** y[b] += coef[b] * wOutT[rows[b]] for every token. */
function gatherAxpy(coef: Float64Array, wOutT: Float32Array, rows: Int32Array, o: number, y: Float32Array): void {
  for (let b = 0; b < rows.length; b++) axpy(coef[b], wOutT, rows[b] * o, y, b * o, o);
}

/** Level 2: one tree level at a time, a batched gather-dot over all tokens, then batched axpys. */
export const conditionalMatmulTsLevel2: ConditionalMatmulKernel = {
  ...identity,
  isSupported: () => true,
  prepare: (weights, shape) => prepareTsConditional(weights, shape, label),
  run(prepared, x, batch, options = {}) {
    const p = claimPrepared(prepared, TsConditionalPrepared, label);
    const { trees, depth, inputSize: h, outputSize: o } = p.shape;
    checkBatch('x', x, batch, h);
    const n = p.nodesPerTree;
    const levels = depth + 1;
    const y = outputArray(options.out, batch, o, true);
    const nodes = options.returnNodes ? new Int32Array(batch * trees * levels) : undefined;
    const rows = new Int32Array(batch);
    const logits = new Float64Array(batch);
    const coef = new Float64Array(batch);
    for (let t = 0; t < trees; t++) {
      const base = t * n;
      rows.fill(base);
      for (let l = 0; l < levels; l++) {
        gatherDot(x, p.wIn, p.bIn, rows, h, logits);
        for (let b = 0; b < batch; b++) coef[b] = geluFast(logits[b]);
        gatherAxpy(coef, p.wOutT, rows, o, y);
        for (let b = 0; b < batch; b++) {
          if (nodes) nodes[(b * trees + t) * levels + l] = rows[b];
          rows[b] = base + 2 * (rows[b] - base) + (logits[b] > 0 ? 2 : 1);
        }
      }
    }
    return { y, nodes };
  },
};
