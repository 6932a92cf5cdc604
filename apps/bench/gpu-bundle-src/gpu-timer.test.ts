import { afterAll, describe, expect, it } from 'vitest';
import { conditionalMatmulWebGpu, initWebGpu } from '@ufbert/cmm/webgpu';
import { webgpuTestExpectation } from '@ufbert/test-utils/webgpu-test-expectation';
import { BenchData } from '../src/data.js';
import { DeviceWatch } from './device-watch.js';
import { GpuCallTimer, unionMs, type TimingMethod } from './gpu-timer.js';

const gate = webgpuTestExpectation();
const device = await initWebGpu().then(
  (info) => info.device,
  (err: Error) => {
    if (gate.expected) throw err;
    return undefined;
  },
);
const shape = { trees: 2, depth: 5, inputSize: 24, outputSize: 16 };
const data = new BenchData(5);
const prepared = device ? conditionalMatmulWebGpu.prepare(data.conditional(shape), shape) : undefined;
afterAll(() => prepared?.dispose());

describe.skipIf(!device)(`GpuCallTimer on this adapter${device ? '' : ` (skipped: no adapter; ${gate.reason})`}`, () => {
  it.each<TimingMethod>(['timestamp-query', 'wall-clock'])(
    'times a kernel call with %s, within the host time of the call, and leaves the device as it was',
    async (method) => {
      const timer = new GpuCallTimer(device!, method, new DeviceWatch(device!, 30_000));
      const x = data.inputs(32, shape.inputSize);
      const times = [];
      for (let i = 0; i < 3; i++) times.push(await timer.time('fff', () => conditionalMatmulWebGpu.run(prepared!, x, 32)));
      timer.dispose();
      for (const t of times) {
        expect(t.gpuS).toBeGreaterThan(0);
        // A pass's timestamps lie inside the call; submit-to-done ends after the call's own read-back resolved, so allow a poll.
        expect(t.gpuS).toBeLessThanOrEqual(t.wallS + (method === 'wall-clock' ? 0.05 : 0));
      }
      expect(Object.hasOwn(device!, 'createCommandEncoder')).toBe(false);
      expect(Object.hasOwn(device!.queue, 'submit')).toBe(false);
    },
  );
});

describe('unionMs', () => {
  it('counts overlapping submissions once and the gaps between them not at all', () => {
    expect(unionMs([])).toBe(0);
    expect(unionMs([[0, 4]])).toBe(4);
    expect(
      unionMs([
        [10, 12],
        [0, 4],
        [2, 6],
        [3, 5],
      ]),
    ).toBe(8);
  });
});
