import { transpose } from '../../layout.js';
import { claimPrepared, kernelLabel } from '../../prepared.js';
import type { ConditionalShape } from '../../types.js';
import { checkBatch, checkConditionalWeights, outputArray } from '../../validate.js';
import { recordConditionalForward } from '../conditional-forward-op.js';
import { requireDevice, webgpuEmulated, webgpuReady } from '../device.js';
import { runJob } from '../job.js';
import type { WebGpuConditionalMatmulKernel } from '../types.js';
import { copyInto, uploadWeights, WebGpuPrepared } from './prepared.js';

const identity = { kernelName: 'ConditionalMatmul', backend: 'webgpu', level: 'fused' } as const;
const label = kernelLabel(identity);

/**
 * FFF inference in one dispatch: each workgroup takes a tile of tokens down every level
 * of every tree (conditionalForwardProgram). prepare() uploads wIn, bIn and wOut
 * transposed to [N, O], so that a visited neuron's output row is contiguous.
 */
export const conditionalMatmulWebGpu: WebGpuConditionalMatmulKernel = {
  ...identity,
  isSupported: webgpuReady,
  isEmulated: webgpuEmulated,
  prepare(weights, shape) {
    const neurons = checkConditionalWeights(weights, shape);
    const device = requireDevice(label);
    const buffers = uploadWeights(device, {
      'linear_in.weight': weights.wIn.values,
      'linear_in.bias': weights.bIn.values,
      'linear_out.weight^T': transpose(weights.wOut.values, shape.outputSize, neurons),
    });
    return new WebGpuPrepared<ConditionalShape>({ ...shape }, label, device, buffers);
  },
  run(prepared, x, batch, options = {}) {
    const p = claimPrepared(prepared, WebGpuPrepared<ConditionalShape>, label);
    const { trees, depth, inputSize: h, outputSize: o } = p.shape;
    checkBatch('x', x, batch, h);
    const out = outputArray(options.out, batch, o, false);
    const weights = p.buffers;
    return runJob(p.device, label, (job) => {
      const y = job.output('y', batch * o);
      const nodes = options.returnNodes ? job.output('nodes', batch * trees * (depth + 1)) : undefined;
      recordConditionalForward(job.recorder, p.shape, batch, 'neuron-major', {
        x: job.upload('x', x),
        wIn: weights['linear_in.weight'],
        bIn: weights['linear_in.bias'],
        wOut: weights['linear_out.weight^T'],
        y,
        nodes,
      });
      return nodes ? [y, nodes] : [y];
    }).then(([y, nodes]) => ({
      y: copyInto(out, y),
      nodes: nodes ? new Int32Array(nodes, 0, batch * trees * (depth + 1)) : undefined,
    }));
  },
};
