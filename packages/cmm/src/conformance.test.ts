import { afterAll, beforeAll, describe } from 'vitest';
import { configureThreads, listKernels, threadSettings } from './index.js';
import { describeKernelConformance } from './conformance.js';

for (const kernel of listKernels()) describeKernelConformance(kernel);

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
  for (const kernel of listKernels()) {
    if (kernel.backend === 'wasm' && (kernel.kernelName === 'ConditionalMatmul' || kernel.kernelName === 'DenseMatmul')) describeKernelConformance(kernel);
  }
});
