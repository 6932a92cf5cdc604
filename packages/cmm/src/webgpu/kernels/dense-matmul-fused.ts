import { transpose } from '../../layout.js';
import { claimPrepared, kernelLabel } from '../../prepared.js';
import type { DenseShape } from '../../types.js';
import { checkBatch, checkDenseWeights, outputArray } from '../../validate.js';
import { requireDevice, webgpuEmulated, webgpuReady } from '../device.js';
import { runJob } from '../job.js';
import { budgetRanges, iterationsPerNeuron } from '../limits.js';
import { denseForwardProgram } from '../programs/dense-forward.js';
import type { WebGpuDenseMatmulKernel } from '../types.js';
import { copyInto, uploadWeights, WebGpuPrepared } from './prepared.js';

const identity = { kernelName: 'DenseMatmul', backend: 'webgpu', level: 'fused' } as const;
const label = kernelLabel(identity);

/**
 * Dense feedforward shaped like the conditional kernel (token tiles walking neurons), so
 * that FF and FFF compare like with like on the GPU; wOut is prepared as [M, O].
 */
export const denseMatmulWebGpuFused: WebGpuDenseMatmulKernel = {
  ...identity,
  isSupported: webgpuReady,
  isEmulated: webgpuEmulated,
  prepare(weights, shape) {
    checkDenseWeights(weights, shape);
    const device = requireDevice(label);
    const arrays: Record<string, Float32Array> = {
      'dense_in.weight': weights.wIn.values,
      'dense_out.weight^T': transpose(weights.wOut.values, shape.outputSize, shape.hiddenSize),
    };
    if (weights.bIn) arrays['dense_in.bias'] = weights.bIn.values;
    return new WebGpuPrepared<DenseShape>({ ...shape }, label, device, uploadWeights(device, arrays));
  },
  run(prepared, x, batch, options = {}) {
    const p = claimPrepared(prepared, WebGpuPrepared<DenseShape>, label);
    const { inputSize: h, hiddenSize: m, outputSize: o } = p.shape;
    checkBatch('x', x, batch, h);
    const out = outputArray(options.out, batch, o, false);
    const weights = p.buffers;
    const bIn = weights['dense_in.bias'];
    return runJob(p.device, label, (job) => {
      const y = job.output('y', batch * o);
      if (batch > 0) {
        const inputs = { x: job.upload('x', x), wIn: weights['dense_in.weight'], wOutT: weights['dense_out.weight^T'], y };
        for (const [firstNeuron, endNeuron] of budgetRanges(m, iterationsPerNeuron(h, o))) {
          const program = denseForwardProgram({ inputSize: h, outputSize: o, batch, bias: bIn !== undefined, firstNeuron, endNeuron }, p.device.limits);
          job.recorder.run(program, { ...inputs, bIn });
        }
      }
      return [y];
    }).then(([y]) => ({ y: copyInto(out, y) }));
  },
};
