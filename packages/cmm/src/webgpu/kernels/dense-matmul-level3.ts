import { claimPrepared, kernelLabel } from '../../prepared.js';
import type { DenseShape } from '../../types.js';
import { checkBatch, checkDenseWeights, outputArray } from '../../validate.js';
import { requireDevice, webgpuEmulated, webgpuReady } from '../device.js';
import { runJob } from '../job.js';
import { matmulTransposedProgram } from '../programs/matmul-transposed.js';
import type { WebGpuDenseMatmulKernel } from '../types.js';
import { copyInto, uploadWeights, WebGpuPrepared } from './prepared.js';

const identity = { kernelName: 'DenseMatmul', backend: 'webgpu', level: 3 } as const;
const label = kernelLabel(identity);

/** Level 3: two tiled matrix-matrix products, hidden = GELU(X wIn^T + bIn) [B, M], Y = hidden wOut^T. */
export const denseMatmulWebGpuLevel3: WebGpuDenseMatmulKernel = {
  ...identity,
  isSupported: webgpuReady,
  isEmulated: webgpuEmulated,
  prepare(weights, shape) {
    checkDenseWeights(weights, shape);
    const device = requireDevice(label);
    const arrays: Record<string, Float32Array> = { 'dense_in.weight': weights.wIn.values, 'dense_out.weight': weights.wOut.values };
    if (weights.bIn) arrays['dense_in.bias'] = weights.bIn.values;
    return new WebGpuPrepared<DenseShape>({ ...shape }, label, device, uploadWeights(device, arrays));
  },
  run(prepared, x, batch, options = {}) {
    const p = claimPrepared(prepared, WebGpuPrepared<DenseShape>, label);
    const { inputSize: h, hiddenSize: m, outputSize: o } = p.shape;
    checkBatch('x', x, batch, h);
    const out = outputArray(options.out, batch, o, false);
    const weights = p.buffers;
    const bias = weights['dense_in.bias'];
    return runJob(p.device, label, (job) => {
      const y = job.output('y', batch * o);
      if (batch > 0) {
        const limits = p.device.limits;
        const hidden = job.recorder.scratch('hidden activations', batch * m);
        const first = matmulTransposedProgram({ rows: batch, cols: m, inner: h, biasGelu: bias ? 'bias-gelu' : 'gelu' }, limits);
        const a = job.upload('x', x);
        const b = weights['dense_in.weight'];
        job.recorder.run(first, { a, b, bias, c: hidden });
        job.recorder.run(matmulTransposedProgram({ rows: batch, cols: o, inner: m, biasGelu: 'none' }, limits), {
          a: hidden,
          b: weights['dense_out.weight'],
          c: y,
        });
      }
      return [y];
    }).then(([y]) => ({ y: copyInto(out, y) }));
  },
};
