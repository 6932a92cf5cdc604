import { describe, expect, it } from 'vitest';
import { DeviceWatch } from './device-watch.js';
import { GpuDeadlineError } from './errors.js';

/** A stand-in with the one member DeviceWatch reads: a `lost` promise the test settles. */
function fakeDevice(): { device: GPUDevice; lose(message: string): void } {
  let lose!: (info: GPUDeviceLostInfo) => void;
  const lost = new Promise<GPUDeviceLostInfo>((resolve) => (lose = resolve));
  return { device: { lost } as GPUDevice, lose: (message) => lose({ reason: 'unknown', message } as GPUDeviceLostInfo) };
}

describe('DeviceWatch', () => {
  it('passes answers through and turns a wait past its deadline into GpuDeadlineError, after which the device is unusable', async () => {
    const watch = new DeviceWatch(fakeDevice().device, 50);
    await expect(watch.wait('quick', Promise.resolve(7))).resolves.toBe(7);
    expect(watch.unusable).toBeUndefined();
    await expect(watch.wait('a job', new Promise(() => {}))).rejects.toThrow(GpuDeadlineError);
    expect(watch.unusable).toBe('a job: no answer from the GPU in 0.05 s (the device is taken as hung)');
  });

  it('remembers a lost device, but not the destruction that follows close()', async () => {
    const lostOne = fakeDevice();
    const watch = new DeviceWatch(lostOne.device, 1000);
    lostOne.lose('driver reset');
    await Promise.resolve();
    expect(watch.unusable).toBe('the WebGPU device was lost (unknown: driver reset)');

    const closed = fakeDevice();
    const closing = new DeviceWatch(closed.device, 1000);
    closing.close();
    closed.lose('destroyed');
    await Promise.resolve();
    expect(closing.unusable).toBeUndefined();
  });
});
