import { geluFast } from '@ufbert/tensor';
import { claimPrepared, kernelLabel } from '../../prepared.js';
import type { ConditionalMatmulKernel } from '../../types.js';
import { checkBatch, outputArray } from '../../validate.js';
import { axpy, dot } from './blas.js';
import { prepareTsConditional, TsConditionalPrepared } from './conditional-prepared.js';

const identity = { kernelName: 'ConditionalMatmul', backend: 'ts', level: 1 } as const;
const label = kernelLabel(identity);

/** Level 1: for each token and each visited neuron, one dot (the logit) and one axpy (its output column). */
export const conditionalMatmulTsLevel1: ConditionalMatmulKernel = {
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
    for (let b = 0; b < batch; b++) {
      for (let t = 0; t < trees; t++) {
        let node = 0;
        for (let l = 0; l < levels; l++) {
          const i = t * n + node;
          const logit = Math.fround(dot(x, b * h, p.wIn, i * h, h) + p.bIn[i]);
          axpy(geluFast(logit), p.wOutT, i * o, y, b * o, o);
          if (nodes) nodes[(b * trees + t) * levels + l] = i;
          node = 2 * node + (logit > 0 ? 2 : 1);
        }
      }
    }
    return { y, nodes };
  },
};
