import { afterAll, beforeAll, describe, inject } from 'vitest';
import { configureThreads, HOST_KERNEL_BACKENDS, listKernels, threadSettings } from './index.js';
import { describeKernelConformance } from './conformance.js';

// The host kernels here; webgpu/conformance.test.ts runs the same suite on the registry's webgpu kernels.
// The relaxed-SIMD project (vitest.config.ts) runs only what its build changes: the WASM kernels.
const kernels = listKernels(undefined, inject('wasmBuild') === 'relaxed-simd' ? ['wasm'] : HOST_KERNEL_BACKENDS);

for (const kernel of kernels) describeKernelConformance(kernel);

// The WASM kernels again with every batch split across worker threads (two workers,
// whatever the machine), so the pool path meets the whole suite.
describe('worker threads', () => {
  const before = threadSettings();
  beforeAll(() => {
    configureThreads({ threads: 3, minConditionalBatch: 1, minDenseWork: 0, calibrate: false });
  });
  afterAll(() => {
    configureThreads(before);
  });
  for (const kernel of kernels) {
    if (kernel.backend === 'wasm' && (kernel.kernelName === 'ConditionalMatmul' || kernel.kernelName === 'DenseMatmul')) describeKernelConformance(kernel);
  }
});
