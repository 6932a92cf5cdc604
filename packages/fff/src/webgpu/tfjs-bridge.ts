import { ProgramRecorder, WebGpuExecutionError, assertDeviceUsable, watchDevice } from '@ufbert/cmm/webgpu';
import type { DataType, TensorInfo } from '@tensorflow/tfjs-core';
import type { OutputSpec } from '@ufbert/tensor';

/**
 * The parts of @tensorflow/tfjs-backend-webgpu 4.22's WebGPUBackend that a kernel with its
 * own pipelines needs: the device, the GPU buffer behind a tensor, and the command encoder
 * tfjs batches its own programs into, so that ours run in order with them.
 */
interface WebGpuBackendInternals {
  readonly device: GPUDevice;
  readonly tensorMap: { get(dataId: object): { resource: unknown; values: unknown } };
  commandEncoder: GPUCommandEncoder | null;
  makeTensorInfo(shape: number[], dtype: DataType): TensorInfo;
  disposeData(dataId: object): boolean;
  uploadToGPU(dataId: object): void;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
}

/** An output of a program run on tfjs's webgpu backend: @ufbert/tensor's OutputSpec, bound by name. */
export interface NamedOutputSpec extends OutputSpec {
  readonly name: string;
}

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/**
 * Runs programs on tfjs's webgpu backend: binds the GPU buffers of `inputs` and of fresh
 * `outputs` by name, lets `record` add its compute passes to tfjs's command encoder, and
 * submits. Empty tensors (a batch of 0) get a placeholder buffer, as WebGPU cannot bind
 * an empty one. Returns the outputs in order.
 */
export function runOnTfjsWebGpu(
  backend: unknown,
  kernelName: string,
  inputs: Readonly<Record<string, TensorInfo>>,
  outputs: readonly NamedOutputSpec[],
  record: (recorder: ProgramRecorder, buffers: Record<string, GPUBuffer>) => void,
): TensorInfo[] {
  const be = backend as WebGpuBackendInternals;
  watchDevice(be.device);
  assertDeviceUsable(be.device, kernelName);
  be.ensureCommandEncoderReady();
  be.endComputePassEncoder();
  const recorder = new ProgramRecorder(be.device, be.commandEncoder!);
  const bufferOf = (name: string, info: TensorInfo): GPUBuffer => {
    if (size(info.shape) === 0) return recorder.scratch(`${kernelName} ${name} (empty)`, 1);
    be.uploadToGPU(info.dataId);
    const resource = be.tensorMap.get(info.dataId).resource;
    if (!(resource instanceof GPUBuffer)) throw new WebGpuExecutionError(`${kernelName}: ${name} is not held in a GPUBuffer`);
    return resource;
  };
  const buffers: Record<string, GPUBuffer> = {};
  for (const [name, info] of Object.entries(inputs)) buffers[name] = bufferOf(name, info);
  const infos = outputs.map((o) => {
    const info = be.makeTensorInfo(o.shape, o.dtype);
    if (size(o.shape) === 0) be.tensorMap.get(info.dataId).values = o.dtype === 'int32' ? new Int32Array(0) : new Float32Array(0);
    buffers[o.name] = bufferOf(o.name, info);
    return info;
  });
  try {
    record(recorder, buffers);
  } catch (err) {
    for (const info of infos) be.disposeData(info.dataId);
    throw err;
  } finally {
    // Submitted within the kernel call, so that the scratch buffers can go right after.
    be.submitQueue();
    recorder.release();
  }
  return infos;
}
