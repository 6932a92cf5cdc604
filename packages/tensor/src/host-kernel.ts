import { tf } from './tf.js';
import type { TensorInfo, KernelConfig, NamedAttrMap } from '@tensorflow/tfjs-core';

/** The CPU-side backends: their tensors live in JS or WASM memory, so kernels can run as plain TypeScript. */
export const HOST_BACKENDS = ['cpu', 'wasm'] as const;
export type HostBackendName = (typeof HOST_BACKENDS)[number];

export interface HostInput {
  /** Read on first access: on wasm a read copies out of the heap, so kernels that cache by `dataId` can skip it. */
  readonly values: Float32Array | Int32Array;
  readonly shape: number[];
  readonly dtype: 'float32' | 'int32';
  /** tfjs's identity of the tensor's data: a new object whenever the data changes (e.g. Variable.assign). */
  readonly dataId: object;
}

export interface HostOutput {
  values: Float32Array | Int32Array;
  shape: number[];
}

/**
 * A kernel written once in TypeScript for every host backend. `compute` gets read-only
 * views of its inputs and returns fresh outputs, which the host backend adopts.
 */
export interface HostKernel {
  kernelName: string;
  compute(inputs: Record<string, HostInput>, attrs: NamedAttrMap): HostOutput[];
}

interface HostBackend {
  readSync(dataId: object): unknown;
}
interface CpuBackend extends HostBackend {
  makeTensorInfo(shape: number[], dtype: string, values: Float32Array | Int32Array): TensorInfo;
}
interface WasmBackend extends HostBackend {
  makeOutput(shape: number[], dtype: string): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array;
}

function readInput(backend: HostBackend, info: TensorInfo): HostInput {
  if (info.dtype !== 'float32' && info.dtype !== 'int32') {
    throw new TypeError(`host kernels take float32 or int32 tensors, got ${info.dtype}`);
  }
  let values: Float32Array | Int32Array | undefined;
  return {
    get values() {
      values ??= backend.readSync(info.dataId) as Float32Array | Int32Array;
      return values;
    },
    shape: info.shape,
    dtype: info.dtype,
    dataId: info.dataId,
  };
}

function dtypeOf(values: Float32Array | Int32Array): 'float32' | 'int32' {
  return values instanceof Int32Array ? 'int32' : 'float32';
}

function adoptOutputs(name: HostBackendName, backend: unknown, outputs: HostOutput[]): TensorInfo[] {
  if (name === 'cpu') {
    const cpu = backend as CpuBackend;
    return outputs.map((o) => cpu.makeTensorInfo(o.shape, dtypeOf(o.values), o.values));
  }
  const wasm = backend as WasmBackend;
  // Allocate every output before taking heap views: an allocation may grow the
  // WASM memory and detach views taken earlier.
  const infos = outputs.map((o) => wasm.makeOutput(o.shape, dtypeOf(o.values)));
  infos.forEach((info, i) => wasm.typedArrayFromHeap(info).set(outputs[i].values));
  return infos;
}

/**
 * Registers `kernel` for the cpu and wasm backends. A backend's own kernel of that name
 * stays, unless `replace` is set (for tfjs kernels that are too slow to keep).
 */
export function registerHostKernel(kernel: HostKernel, options: { replace?: boolean } = {}): void {
  for (const backendName of HOST_BACKENDS) {
    const config: KernelConfig = {
      kernelName: kernel.kernelName,
      backendName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const host = backend as unknown as HostBackend;
        const read: Record<string, HostInput> = {};
        for (const [key, info] of Object.entries(inputs)) read[key] = readInput(host, info as TensorInfo);
        const outputs = adoptOutputs(backendName, backend, kernel.compute(read, attrs ?? {}));
        return outputs.length === 1 ? outputs[0] : outputs;
      },
    };
    if (tf.getKernel(kernel.kernelName, backendName)) {
      if (!options.replace) continue;
      tf.unregisterKernel(kernel.kernelName, backendName);
    }
    tf.registerKernel(config);
  }
}
