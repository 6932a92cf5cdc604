import { afterAll, beforeAll, describe, inject } from 'vitest';
import { configureThreads, listKernels, threadSettings } from './index.js';
import { describeKernelConformance } from './conformance.js';

// The relaxed-SIMD project (vitest.config.ts) runs only what its build changes: the WASM kernels.
const kernels = inject('wasmBuild') === 'relaxed-simd' ? listKernels().filter((kernel) => kernel.backend === 'wasm') : listKernels();

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
