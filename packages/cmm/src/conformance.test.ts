import { describe, inject } from 'vitest';
import { HOST_KERNEL_BACKENDS, listKernels, type ConditionalMatmulKernel, type DenseMatmulKernel, type Kernel, type ThreadOptions } from './index.js';
import { describeKernelConformance } from './test-utils/conformance-suite.js';

// The host kernels here; webgpu/conformance.test.ts runs the same suite on the registry's webgpu kernels.
// The relaxed-SIMD project (vitest.config.ts) runs only what its build changes: the WASM kernels.
const kernels = listKernels(undefined, inject('wasmBuild') === 'relaxed-simd' ? ['wasm'] : HOST_KERNEL_BACKENDS);

for (const kernel of kernels) describeKernelConformance(kernel);

/** `kernel` with its prepared instances given `threads` (the options a model passes down to the kernel it chooses). */
function withThreads(kernel: Kernel, threads: ThreadOptions): Kernel {
  if (kernel.backend !== 'wasm') return kernel;
  if (kernel.kernelName === 'DenseMatmul') {
    const dense = kernel as DenseMatmulKernel;
    return { ...dense, prepare: (weights, shape) => dense.prepare(weights, shape, threads) } satisfies DenseMatmulKernel;
  }
  if (kernel.kernelName !== 'ConditionalMatmul') return kernel;
  const conditional = kernel as ConditionalMatmulKernel;
  const { prepareQuantized } = conditional;
  return {
    ...conditional,
    prepare: (weights, shape) => conditional.prepare(weights, shape, threads),
    prepareQuantized: prepareQuantized && ((tables, shape) => prepareQuantized.call(conditional, tables, shape, threads)),
  } satisfies ConditionalMatmulKernel;
}

// The WASM kernels again with every batch split across worker threads (two workers,
// whatever the machine), so the pool path meets the whole suite.
describe('worker threads', () => {
  const threads: ThreadOptions = { threads: 3, minConditionalBatch: 1, minDenseWork: 0, calibrate: false };
  for (const kernel of kernels) {
    const threaded = kernel.backend === 'wasm' && (kernel.kernelName === 'ConditionalMatmul' || kernel.kernelName === 'DenseMatmul');
    if (threaded) describeKernelConformance(withThreads(kernel, threads));
  }
});
