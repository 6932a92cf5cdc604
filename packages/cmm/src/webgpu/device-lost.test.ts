import { expect, it } from 'vitest';
import { BackendUnavailableError } from '@ufbert/tensor';
import { conditionalMatmulWebGpu, conditionalBackwardWebGpu } from './kernels/index.js';
import { startWebGpuForTests } from './test-utils/gate.js';

const shape = { trees: 1, depth: 1, inputSize: 2, outputSize: 1 };
const weights = {
  wIn: { values: new Float32Array([1, 0, 0, 1, 1, 1]), shape: [3, 2] },
  bIn: { values: new Float32Array(3), shape: [3] },
  wOut: { values: new Float32Array([1, 2, 3]), shape: [1, 3] },
};

// Before initWebGpu() the kernels have no device: they say so instead of failing later.
const before = (() => {
  try {
    conditionalMatmulWebGpu.prepare(weights, shape);
  } catch (err) {
    return err;
  }
  return undefined;
})();
const supportedBefore = conditionalMatmulWebGpu.isSupported();
const gpu = await startWebGpuForTests('cmm webgpu device loss');

it('says what is missing before initWebGpu()', () => {
  expect(supportedBefore).toBe(false);
  expect(before).toBeInstanceOf(BackendUnavailableError);
  expect((before as Error).message).toMatch(/ConditionalMatmul\/webgpu\/fused: no WebGPU device yet; await initWebGpu\(\) first/);
});

// This file destroys the device; vitest runs it in its own module graph.
it.skipIf(gpu.info === undefined)('turns a lost device into BackendUnavailableError naming the reason', async () => {
  const device = gpu.info!.device;
  const prepared = conditionalMatmulWebGpu.prepare(weights, shape);
  const { y } = await conditionalMatmulWebGpu.run(prepared, new Float32Array([1, 1]), 1);
  expect(y.length).toBe(1);
  device.destroy();
  await device.lost;
  expect(conditionalMatmulWebGpu.isSupported()).toBe(false);
  await expect(conditionalMatmulWebGpu.run(prepared, new Float32Array([1, 1]), 1)).rejects.toThrow(BackendUnavailableError);
  await expect(conditionalMatmulWebGpu.run(prepared, new Float32Array([1, 1]), 1)).rejects.toThrow(/the WebGPU device was lost \(destroyed/);
  expect(() => conditionalMatmulWebGpu.prepare(weights, shape)).toThrow(/lost \(destroyed/);
  expect(() => conditionalBackwardWebGpu.prepare(shape)).toThrow(BackendUnavailableError);
});
