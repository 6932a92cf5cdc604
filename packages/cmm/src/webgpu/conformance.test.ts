import { describe, it } from 'vitest';
import { describeKernelConformance } from '../conformance.js';
import { listKernels } from '../index.js';
import { startWebGpuForTests } from './test-utils/gate.js';

const gpu = await startWebGpuForTests('cmm conformance on webgpu');

if (gpu.skipReason) {
  describe.skip(`webgpu kernels (skipped: ${gpu.skipReason})`, () => {
    it('needs a WebGPU adapter', () => {});
  });
}
for (const kernel of listKernels(undefined, ['webgpu'])) describeKernelConformance(kernel);
