import { tf } from '@ufbert/tensor';
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { fffBackwardWebGpu, fffForwardWebGpu, fffInferWebGpu } from './fff-kernels.js';

/** The FFF ops' kernels for tfjs's webgpu backend, registered on import like the host kernels. */
export const fffWebGpuKernels: readonly KernelConfig[] = [fffForwardWebGpu, fffBackwardWebGpu, fffInferWebGpu];

for (const config of fffWebGpuKernels) {
  if (!tf.getKernel(config.kernelName, config.backendName)) tf.registerKernel(config);
}
