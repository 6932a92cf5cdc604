import { gatherColumns, groupPaths } from '../../path-groups.js';
import { claimPrepared, kernelLabel } from '../../prepared.js';
import type { ConditionalShape } from '../../types.js';
import { checkBatch, checkConditionalShape, checkConditionalWeights } from '../../validate.js';
import { recordConditionalForward } from '../conditional-forward-op.js';
import { requireDevice, webgpuEmulated, webgpuReady } from '../device.js';
import { runJob } from '../job.js';
import type { WebGpuConditionalForwardTrainKernel } from '../types.js';
import { WebGpuPrepared } from './prepared.js';

const identity = { kernelName: 'ConditionalForwardTrain', backend: 'webgpu', level: 'fused' } as const;
const label = kernelLabel(identity);

/**
 * Training forward on reference-layout weights, which change every step: the inference
 * program reading linear_out.weight [O, N] in place, and also writing nodes and logits.
 */
export const conditionalForwardTrainWebGpu: WebGpuConditionalForwardTrainKernel = {
  ...identity,
  isSupported: webgpuReady,
  isEmulated: webgpuEmulated,
  prepare(shape) {
    checkConditionalShape(shape);
    return new WebGpuPrepared<ConditionalShape>({ ...shape }, label, requireDevice(label), {});
  },
  run(prepared, { x, batch, weights }) {
    const p = claimPrepared(prepared, WebGpuPrepared<ConditionalShape>, label);
    const { trees, depth, inputSize: h, outputSize: o } = p.shape;
    const neurons = checkConditionalWeights(weights, p.shape);
    checkBatch('x', x, batch, h);
    const visits = batch * trees * (depth + 1);
    return runJob(p.device, label, (job) => {
      const y = job.output('y', batch * o);
      const nodes = job.output('nodes', visits);
      const logits = job.output('logits', visits);
      recordConditionalForward(job.recorder, p.shape, batch, 'output-major', {
        x: job.upload('x', x),
        wIn: job.upload('linear_in.weight', weights.wIn.values),
        bIn: job.upload('linear_in.bias', weights.bIn.values),
        wOut: job.upload('linear_out.weight', weights.wOut.values),
        y,
        nodes,
        logits,
      });
      return [y, nodes, logits];
    }).then(([y, nodesData, logits]) => {
      const nodes = new Int32Array(nodesData, 0, visits);
      // The visited columns the backward may reuse, gathered on the host like the CPU kernels do.
      const visited = groupPaths(nodes, neurons).unique;
      return {
        y: new Float32Array(y, 0, batch * o),
        nodes,
        logits: new Float32Array(logits, 0, visits),
        saved: { neurons: visited, wOutColumns: gatherColumns(weights.wOut.values, o, neurons, visited) },
      };
    });
  },
};
