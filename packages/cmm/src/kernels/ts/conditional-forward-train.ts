import { geluFast } from '@ufbert/tensor';
import { gatherColumns, groupPaths } from '../../path-groups.js';
import { claimPrepared, kernelLabel } from '../../prepared.js';
import type { ConditionalForwardTrainKernel } from '../../types.js';
import { checkBatch, checkConditionalWeights } from '../../validate.js';
import { dot4, sumScaledRows } from './blas.js';
import { TsTrainingPrepared } from './training-prepared.js';

const identity = { kernelName: 'ConditionalForwardTrain', backend: 'ts', level: 'fused' } as const;
const label = kernelLabel(identity);

/**
 * Training forward on reference-layout weights. Only the visited columns of
 * wOut [O, N] are gathered (into rows of a [U, O] block), so the work stays
 * O(B k (d+1) (H + O)) although the weights change every step.
 */
export const conditionalForwardTrainTs: ConditionalForwardTrainKernel = {
  ...identity,
  isSupported: () => true,
  prepare: (shape) => new TsTrainingPrepared(shape, label),
  run(prepared, { x, batch, weights }) {
    const p = claimPrepared(prepared, TsTrainingPrepared, label);
    const { trees, depth, inputSize: h, outputSize: o } = p.shape;
    const neurons = checkConditionalWeights(weights, p.shape);
    checkBatch('x', x, batch, h);
    const n = p.nodesPerTree;
    const levels = depth + 1;
    const visits = trees * levels;
    const wIn = weights.wIn.values;
    const bIn = weights.bIn.values;
    const nodes = new Int32Array(batch * visits);
    const logits = new Float32Array(batch * visits);
    for (let b = 0, e = 0; b < batch; b++) {
      for (let t = 0; t < trees; t++) {
        let node = 0;
        for (let l = 0; l < levels; l++, e++) {
          const i = t * n + node;
          const logit = Math.fround(dot4(x, b * h, wIn, i * h, h) + bIn[i]);
          nodes[e] = i;
          logits[e] = logit;
          node = 2 * node + (logit > 0 ? 2 : 1);
        }
      }
    }
    const groups = groupPaths(nodes, neurons);
    const columns = gatherColumns(weights.wOut.values, o, neurons, groups.unique);
    const y = new Float32Array(batch * o);
    const coef = new Float64Array(visits);
    const rowOff = new Int32Array(visits);
    for (let b = 0; b < batch; b++) {
      for (let q = 0; q < visits; q++) {
        const e = b * visits + q;
        coef[q] = geluFast(logits[e]);
        rowOff[q] = groups.slotOf[e] * o;
      }
      sumScaledRows(coef, columns, rowOff, visits, y, b * o, o);
    }
    return { y, nodes, logits, saved: { neurons: groups.unique, wOutColumns: columns } };
  },
};
