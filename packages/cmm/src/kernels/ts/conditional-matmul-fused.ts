import { geluFast } from '@ufbert/tensor';
import { claimPrepared, kernelLabel } from '../../prepared.js';
import type { ConditionalMatmulKernel } from '../../types.js';
import { checkBatch, outputArray } from '../../validate.js';
import { dot4, sumScaledRows } from './blas.js';
import { prepareTsConditional, TsConditionalPrepared } from './conditional-prepared.js';

const identity = { kernelName: 'ConditionalMatmul', backend: 'ts', level: 'fused' } as const;
const label = kernelLabel(identity);

/**
 * Fused TypeScript: per token, walk all k paths first (four-accumulator dots), then
 * form y as one sum of k(d+1) scaled rows of wOut^T, four outputs at a time in
 * registers, so y is written once instead of once per visited neuron. The portable
 * reference of the WASM kernel, and its fallback where WebAssembly SIMD is missing.
 */
export const conditionalMatmulTsFused: ConditionalMatmulKernel = {
  ...identity,
  isSupported: () => true,
  prepare: (weights, shape) => prepareTsConditional(weights, shape, label),
  run(prepared, x, batch, options = {}) {
    const p = claimPrepared(prepared, TsConditionalPrepared, label);
    const { trees, depth, inputSize: h, outputSize: o } = p.shape;
    checkBatch('x', x, batch, h);
    const n = p.nodesPerTree;
    const levels = depth + 1;
    const visits = trees * levels;
    const y = outputArray(options.out, batch, o, false);
    const nodes = options.returnNodes ? new Int32Array(batch * visits) : undefined;
    const coef = new Float64Array(visits);
    const rowOff = new Int32Array(visits);
    const { wIn, bIn, wOutT } = p;
    for (let b = 0; b < batch; b++) {
      const xOff = b * h;
      for (let t = 0, q = 0; t < trees; t++) {
        let node = 0;
        for (let l = 0; l < levels; l++, q++) {
          const i = t * n + node;
          const logit = Math.fround(dot4(x, xOff, wIn, i * h, h) + bIn[i]);
          coef[q] = geluFast(logit);
          rowOff[q] = i * o;
          if (nodes) nodes[b * visits + q] = i;
          node = 2 * node + (logit > 0 ? 2 : 1);
        }
      }
      sumScaledRows(coef, wOutT, rowOff, visits, y, b * o, o);
    }
    return { y, nodes };
  },
};
