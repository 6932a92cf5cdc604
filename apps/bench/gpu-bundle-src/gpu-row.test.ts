import { describe, expect, it } from 'vitest';
import { SuiteContext } from '../src/context.js';
import { modeDefaults } from '../src/options.js';
import type { RowIdentity } from '../src/rows.js';
import type { KernelVerdict } from './conformance.js';
import { DeviceWatch } from './device-watch.js';
import { GpuCallTimer } from './gpu-timer.js';
import { conforming, timeRow, type GpuRowSetup } from './gpu-row.js';

/** A device whose queue accepts work and whose loss the test decides; methods on the prototype, as Dawn's are. */
class FakeQueue {
  submit(): void {}
  onSubmittedWorkDone(): Promise<void> {
    return Promise.resolve();
  }
}

function setup(deadlineMs: number, verdicts: KernelVerdict[] = []): { setup: GpuRowSetup; lose(): void } {
  let lose!: (info: GPUDeviceLostInfo) => void;
  const device = { queue: new FakeQueue(), lost: new Promise<GPUDeviceLostInfo>((resolve) => (lose = resolve)) } as unknown as GPUDevice;
  const watch = new DeviceWatch(device, deadlineMs);
  const ctx = new SuiteContext(modeDefaults('full', 'unused'), {}, { kernels: [] });
  const timer = new GpuCallTimer(device, 'wall-clock', watch);
  return {
    setup: { ctx, timer, watch, verdicts, budgetS: 0.01, stopAt: Number.POSITIVE_INFINITY, maxCallS: 10 },
    lose: () => lose({ reason: 'unknown', message: 'GPU reset' } as GPUDeviceLostInfo),
  };
}

const identity = (batch: number): RowIdentity => ({
  suite: 'kernels',
  name: 'ff-3072',
  family: 'ff',
  implementation: 'DenseMatmul/webgpu/fused',
  backend: 'webgpu',
  level: 'fused',
  batch,
  input_size: 8,
  output_size: 8,
  neurons: 3072,
});

describe('timeRow', () => {
  it('skips the row of a call that hangs past the deadline, and every row after it, with the reason', async () => {
    const { setup: s } = setup(30);
    expect(await timeRow(s, identity(1), () => new Promise(() => {}))).toBeUndefined();
    expect(await timeRow(s, identity(8), () => Promise.resolve())).toBeUndefined();
    const reason = 'ff-3072 DenseMatmul/webgpu/fused B=1: no answer from the GPU in 0.03 s (the device is taken as hung)';
    expect(s.ctx.skipped).toEqual([
      { what: 'ff-3072 DenseMatmul/webgpu/fused B=1', reason },
      { what: 'ff-3072 DenseMatmul/webgpu/fused B=8', reason },
    ]);
    expect(s.ctx.rows).toEqual([]);
  });

  it('skips every row once the device is lost', async () => {
    const { setup: s, lose } = setup(1000);
    lose();
    await Promise.resolve();
    await timeRow(s, identity(1), () => Promise.resolve());
    expect(s.ctx.skipped).toEqual([{ what: 'ff-3072 DenseMatmul/webgpu/fused B=1', reason: 'the WebGPU device was lost (unknown: GPU reset)' }]);
  });

  it('skips a batch whose call the previous batch predicts over --max-call-s', async () => {
    const { setup: s } = setup(1000);
    const previous = { ...identity(128), median_us_per_token: 1e5 } as Parameters<typeof timeRow>[3];
    await timeRow(s, identity(1024), () => Promise.resolve(), previous);
    expect(s.ctx.skipped[0].reason).toMatch(/^one call would take about 102\.40 s \(100000 µs\/token at B=128\), over --max-call-s 10$/);
  });
});

describe('conforming', () => {
  it('keeps the kernels that passed and skips the others with their failed check', () => {
    const failed = {
      kernel: 'DenseMatmul/webgpu/3',
      ok: false,
      checks: [{ name: 'DenseMatmul/webgpu/3 H=1 y', ok: false, detail: 'relative error 1e-2' }],
      seconds: 1,
    };
    const passed = { kernel: 'DenseMatmul/webgpu/fused', ok: true, checks: [], seconds: 1 };
    const { setup: s } = setup(1000, [failed, passed]);
    const kernels = [
      { kernelName: 'DenseMatmul', backend: 'webgpu', level: 3 as const },
      { kernelName: 'DenseMatmul', backend: 'webgpu', level: 'fused' as const },
    ];
    expect(conforming(s, kernels)).toEqual([kernels[1]]);
    expect(s.ctx.skipped).toEqual([
      {
        what: 'DenseMatmul/webgpu/3 (every row)',
        reason: 'failed 1 conformance check(s) on this adapter, e.g. DenseMatmul/webgpu/3 H=1 y: relative error 1e-2',
      },
    ]);
  });
});
