import { groupPaths, visitedColumns } from '../../path-groups.js';
import { claimPrepared, kernelLabel } from '../../prepared.js';
import type { ConditionalShape, WeightGradients } from '../../types.js';
import { checkBackwardInputs, checkConditionalShape, gradientBuffers } from '../../validate.js';
import { recordConditionalBackward } from '../conditional-backward-op.js';
import { requireDevice, webgpuEmulated, webgpuReady } from '../device.js';
import { runJob } from '../job.js';
import type { WebGpuConditionalBackwardKernel } from '../types.js';
import { WebGpuPrepared } from './prepared.js';

const identity = { kernelName: 'ConditionalBackward', backend: 'webgpu', level: 'fused' } as const;
const label = kernelLabel(identity);

/** Sparse, deterministic FFF gradients on the GPU (recordConditionalBackward). */
export const conditionalBackwardWebGpu: WebGpuConditionalBackwardKernel = {
  ...identity,
  isSupported: webgpuReady,
  isEmulated: webgpuEmulated,
  prepare(shape) {
    checkConditionalShape(shape);
    return new WebGpuPrepared<ConditionalShape>({ ...shape }, label, requireDevice(label), {});
  },
  run(prepared, inputs) {
    const p = claimPrepared(prepared, WebGpuPrepared<ConditionalShape>, label);
    const { inputSize: h, outputSize: o } = p.shape;
    const neurons = checkBackwardInputs(inputs, p.shape);
    const { dy, x, batch, wIn, wOut, nodes, logits, accumulateInto, saved } = inputs;
    if (accumulateInto) gradientBuffers(accumulateInto, neurons, h, o);
    const visited = groupPaths(nodes, neurons).unique;
    // The GPU reads linear_out.weight in place; a forward's saved columns are only checked.
    visitedColumns(saved, wOut.values, o, neurons, visited);
    return runJob(p.device, label, (job) => {
      const outputs = {
        dx: job.output('dx', batch * h),
        dWIn: job.output('dWIn', neurons * h),
        dbIn: job.output('dbIn', neurons),
        dWOut: job.output('dWOut', o * neurons),
      };
      recordConditionalBackward(job.recorder, p.shape, batch, {
        dy: job.upload('dy', dy),
        x: job.upload('x', x),
        wIn: job.upload('linear_in.weight', wIn.values),
        wOut: job.upload('linear_out.weight', wOut.values),
        nodes: job.upload('nodes', nodes),
        logits: job.upload('logits', logits),
        ...outputs,
      });
      return [outputs.dx, outputs.dWIn, outputs.dbIn, outputs.dWOut];
    }).then(([dx, dWIn, dbIn, dWOut]) => {
      const gradients = {
        dWIn: new Float32Array(dWIn, 0, neurons * h),
        dbIn: new Float32Array(dbIn, 0, neurons),
        dWOut: new Float32Array(dWOut, 0, o * neurons),
      };
      if (accumulateInto) addVisited(accumulateInto, gradients, visited, h, o, neurons);
      return { dx: new Float32Array(dx, 0, batch * h), ...(accumulateInto ?? gradients), neurons: visited };
    });
  },
};

/** into += gradients on the rows of dWIn, entries of dbIn and columns of dWOut of the visited neurons. */
function addVisited(into: WeightGradients, gradients: WeightGradients, visited: Int32Array, h: number, o: number, neurons: number): void {
  for (const i of visited) {
    for (let j = i * h; j < (i + 1) * h; j++) into.dWIn[j] += gradients.dWIn[j];
    into.dbIn[i] += gradients.dbIn[i];
    for (let r = 0; r < o; r++) into.dWOut[r * neurons + i] += gradients.dWOut[r * neurons + i];
  }
}
