import { geluDerivativeFast, geluFast } from '@ufbert/tensor';
import { groupPaths, scatterColumns, visitedColumns } from '../../path-groups.js';
import { claimPrepared, kernelLabel } from '../../prepared.js';
import type { ConditionalBackwardKernel } from '../../types.js';
import { checkBackwardInputs, gradientBuffers } from '../../validate.js';
import { dot4, sumScaledRows } from './blas.js';
import { TsTrainingPrepared } from './training-prepared.js';

const identity = { kernelName: 'ConditionalBackward', backend: 'ts', level: 'fused' } as const;
const label = kernelLabel(identity);

/**
 * Sparse backward of an FFF layer. For each visit (token b, neuron i, logit z):
 * g = (dy_b . wOut[:, i]) GELU'(z); dx_b += g wIn[i]; dWIn[i] += g x_b; dbIn[i] += g;
 * dWOut[:, i] += GELU(z) dy_b. Visits are grouped by neuron so that each gradient
 * row is summed in registers, in increasing token order: the result is deterministic.
 */
export const conditionalBackwardTs: ConditionalBackwardKernel = {
  ...identity,
  isSupported: () => true,
  prepare: (shape) => new TsTrainingPrepared(shape, label),
  run(prepared, inputs) {
    const p = claimPrepared(prepared, TsTrainingPrepared, label);
    const { trees, depth, inputSize: h, outputSize: o } = p.shape;
    const neurons = checkBackwardInputs(inputs, p.shape);
    const { dy, x, batch, wIn: wInView, wOut: wOutView, nodes, logits, accumulateInto, saved } = inputs;
    const visits = trees * (depth + 1);
    const { dWIn, dbIn, dWOut } = gradientBuffers(accumulateInto, neurons, h, o);
    const accumulate = accumulateInto !== undefined;
    const wIn = wInView.values;
    const groups = groupPaths(nodes, neurons);
    const columns = visitedColumns(saved, wOutView.values, o, neurons, groups.unique);

    // g and GELU(z) per visit
    const count = batch * visits;
    const g = new Float64Array(count);
    const act = new Float64Array(count);
    for (let e = 0; e < count; e++) {
      const b = (e / visits) | 0;
      const z = logits[e];
      g[e] = dot4(dy, b * o, columns, groups.slotOf[e] * o, o) * geluDerivativeFast(z);
      act[e] = geluFast(z);
    }

    const dx = new Float32Array(batch * h);
    const rowOff = new Int32Array(visits);
    for (let b = 0; b < batch; b++) {
      for (let q = 0; q < visits; q++) rowOff[q] = nodes[b * visits + q] * h;
      sumScaledRows(g.subarray(b * visits, (b + 1) * visits), wIn, rowOff, visits, dx, b * h, h);
    }

    const dColumns = new Float32Array(groups.unique.length * o);
    const { unique, start, entries } = groups;
    let groupCoef = new Float64Array(16);
    let xOff = new Int32Array(16);
    let dyOff = new Int32Array(16);
    for (let u = 0; u < unique.length; u++) {
      const i = unique[u];
      const size = start[u + 1] - start[u];
      if (size > groupCoef.length) {
        groupCoef = new Float64Array(2 * size);
        xOff = new Int32Array(2 * size);
        dyOff = new Int32Array(2 * size);
      }
      let bias = 0;
      for (let s = 0; s < size; s++) {
        const e = entries[start[u] + s];
        const b = (e / visits) | 0;
        groupCoef[s] = g[e];
        bias += g[e];
        xOff[s] = b * h;
        dyOff[s] = b * o;
      }
      dbIn[i] = accumulate ? dbIn[i] + bias : bias;
      sumScaledRows(groupCoef, x, xOff, size, dWIn, i * h, h, accumulate);
      for (let s = 0; s < size; s++) groupCoef[s] = act[entries[start[u] + s]];
      sumScaledRows(groupCoef, dy, dyOff, size, dColumns, u * o, o);
    }
    scatterColumns(dColumns, o, neurons, unique, dWOut, o, 0, accumulate);
    return { dx, dWIn, dbIn, dWOut, neurons: unique };
  },
};
