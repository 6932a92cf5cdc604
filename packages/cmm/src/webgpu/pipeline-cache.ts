import { WebGpuLimitError } from './errors.js';
import { shaderSource, type GpuProgram } from './wgsl.js';

export interface CachedPipeline {
  readonly pipeline: GPUComputePipeline;
  readonly layout: GPUBindGroupLayout;
}

// Per device, keyed by the WGSL text: everything that changes the text (lanes, layouts,
// optional outputs) makes a new pipeline; shapes travel in uniforms and do not.
const caches = new WeakMap<GPUDevice, Map<string, CachedPipeline>>();

function checkProgramLimits(limits: GPUSupportedLimits, program: GpuProgram): void {
  const checks: [keyof GPUSupportedLimits, number, string][] = [
    ['maxStorageBuffersPerShaderStage', program.bindings.length, 'storage buffers'],
    ['maxComputeInvocationsPerWorkgroup', program.workgroupSize, 'invocations per workgroup'],
    ['maxComputeWorkgroupSizeX', program.workgroupSize, 'invocations along x'],
    ['maxComputeWorkgroupStorageSize', program.workgroupStorageBytes, 'bytes of workgroup memory'],
  ];
  for (const [limit, needed, what] of checks) {
    const allowed = limits[limit] as number;
    if (needed > allowed) throw new WebGpuLimitError(`${program.name} needs ${needed} ${what}; this adapter's ${limit} is ${allowed}`);
  }
}

/** The compute pipeline of a program on a device, compiled on first use. */
export function pipelineFor(device: GPUDevice, program: GpuProgram): CachedPipeline {
  let cache = caches.get(device);
  if (!cache) caches.set(device, (cache = new Map()));
  const code = shaderSource(program);
  let cached = cache.get(code);
  if (!cached) {
    checkProgramLimits(device.limits, program);
    const layout = device.createBindGroupLayout({
      label: program.name,
      entries: [
        { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform' } },
        ...program.bindings.map(
          (b, i): GPUBindGroupLayoutEntry => ({
            binding: i + 1,
            visibility: GPUShaderStage.COMPUTE,
            buffer: { type: b.access === 'read' ? 'read-only-storage' : 'storage' },
          }),
        ),
      ],
    });
    const pipeline = device.createComputePipeline({
      label: program.name,
      layout: device.createPipelineLayout({ label: program.name, bindGroupLayouts: [layout] }),
      compute: { module: device.createShaderModule({ label: program.name, code }), entryPoint: 'main' },
    });
    cache.set(code, (cached = { pipeline, layout }));
  }
  return cached;
}

/** How many pipelines a device has compiled for these kernels. */
export function cachedPipelineCount(device: GPUDevice): number {
  return caches.get(device)?.size ?? 0;
}
