import { describe, expect, it } from 'vitest';
import { conditionalMatmulTsFused } from '../kernels/ts/conditional-matmul-fused.js';
import { expectClose } from '../test-utils/compare.js';
import { conditionalMatmulWebGpu } from './kernels/index.js';
import { uploadWeights } from './kernels/prepared.js';
import { WebGpuExecutionError, WebGpuLimitError } from './errors.js';
import { budgetRanges, checkBufferSize, linearGrid, LOOP_BUDGET } from './limits.js';
import { pipelineFor } from './pipeline-cache.js';
import { runJob } from './job.js';
import { startWebGpuForTests } from './test-utils/gate.js';
import { input, output, u32, type GpuProgram } from './wgsl.js';

const limits = { maxStorageBufferBindingSize: 128 * 2 ** 20, maxBufferSize: 256 * 2 ** 20, maxComputeWorkgroupsPerDimension: 65535 } as GPUSupportedLimits;

describe('adapter limits', () => {
  it('names the limit a buffer exceeds', () => {
    expect(() => checkBufferSize(limits, 'linear_in.weight', 200 * 2 ** 20)).toThrow(
      new WebGpuLimitError(
        "linear_in.weight needs a buffer of 200.0 MiB, above this adapter's maxStorageBufferBindingSize (128.0 MiB); use a smaller batch or layer",
      ),
    );
    expect(() => checkBufferSize(limits, 'x', 128 * 2 ** 20)).not.toThrow();
  });

  it('checks every weight before uploading any', () => {
    const device = { limits } as GPUDevice;
    const small = new Float32Array(4);
    const huge = { byteLength: 129 * 2 ** 20 } as Float32Array;
    expect(() => uploadWeights(device, { 'linear_in.bias': small, 'linear_out.weight^T': huge })).toThrow(/linear_out.weight\^T .*maxStorageBufferBindingSize/);
  });

  it('cuts long walks into ranges within the loop budget', () => {
    expect(budgetRanges(10, LOOP_BUDGET / 3)).toEqual([
      [0, 3],
      [3, 6],
      [6, 9],
      [9, 10],
    ]);
    expect(budgetRanges(5, 1)).toEqual([[0, 5]]);
    expect(budgetRanges(2, 10 * LOOP_BUDGET)).toEqual([
      [0, 1],
      [1, 2],
    ]);
  });

  it('folds large grids into two dimensions and names the limit past that', () => {
    expect(linearGrid(limits, 10, 'p')).toEqual([10, 1, 1]);
    expect(linearGrid(limits, 0, 'p')).toEqual([1, 1, 1]);
    expect(linearGrid(limits, 65535 * 3 + 1, 'p')).toEqual([65535, 4, 1]);
    expect(() => linearGrid(limits, 65535 * 65535 + 1, 'backward')).toThrow(/backward needs .* maxComputeWorkgroupsPerDimension \(65535\)/);
  });
});

const gpu = await startWebGpuForTests('cmm webgpu limits');

describe.skipIf(gpu.info === undefined)('programs on the device', () => {
  const program = (name: string, bindings: number, main: string): GpuProgram => ({
    name,
    workgroupSize: 64,
    workgroupStorageBytes: 0,
    bindings: [...Array.from({ length: bindings - 1 }, (_, i) => input(`in${i}`)), output('out')],
    uniforms: [u32('size', 1)],
    dispatch: [1, 1, 1],
    declarations: '',
    main,
  });

  it('rejects a program that binds more storage buffers than the adapter allows', () => {
    const device = gpu.info!.device;
    const allowed = device.limits.maxStorageBuffersPerShaderStage;
    expect(() => pipelineFor(device, program('tooWide', allowed + 1, ''))).toThrow(
      new WebGpuLimitError(`tooWide needs ${allowed + 1} storage buffers; this adapter's maxStorageBuffersPerShaderStage is ${allowed}`),
    );
  });

  it('reports a program the device rejects as WebGpuExecutionError', async () => {
    const device = gpu.info!.device;
    const broken = program('broken', 1, '  out[0] = undefinedName;');
    await expect(
      runJob(device, 'broken job', (job) => {
        const out = job.output('out', 1);
        job.recorder.run(broken, { out });
        return [out];
      }),
    ).rejects.toThrow(WebGpuExecutionError);
  });

  it('still answers after a rejected program', async () => {
    const device = gpu.info!.device;
    const [data] = await runJob(device, 'fill', (job) => {
      const out = job.output('out', 1);
      job.recorder.run(program('fill', 1, '  out[0] = 2.5;'), { out });
      return [out];
    });
    expect(new Float32Array(data)[0]).toBe(2.5);
  });

  it("walks a layer of very many trees in several dispatches, with the CPU kernel's result", async () => {
    const shape = { trees: 6000, depth: 0, inputSize: 4, outputSize: 4 };
    const rng = (seed: number, size: number) => Float32Array.from({ length: size }, (_, i) => Math.sin(seed * 1000 + i * 7.1));
    const weights = {
      wIn: { values: rng(1, 6000 * 4), shape: [6000, 4] },
      bIn: { values: rng(2, 6000), shape: [6000] },
      wOut: { values: rng(3, 4 * 6000), shape: [4, 6000] },
    };
    const x = rng(4, 3 * 4);
    const gpuPrepared = conditionalMatmulWebGpu.prepare(weights, shape);
    const cpuPrepared = conditionalMatmulTsFused.prepare(weights, shape);
    const actual = await conditionalMatmulWebGpu.run(gpuPrepared, x, 3, { returnNodes: true });
    const expected = conditionalMatmulTsFused.run(cpuPrepared, x, 3, { returnNodes: true });
    gpuPrepared.dispose();
    cpuPrepared.dispose();
    expect(Array.from(actual.nodes!)).toEqual(Array.from(expected.nodes!));
    expectClose(actual.y, expected.y, 1e-5, 'y');
  });

  it('is supported once the device exists', () => {
    expect(conditionalMatmulWebGpu.isSupported()).toBe(true);
  });
});
