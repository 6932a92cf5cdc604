import { tf } from './tf.js';
import type { TensorInfo, KernelConfig, NamedAttrMap } from '@tensorflow/tfjs-core';

/** The devices on the host: their tfjs tensors live in JS or WASM memory, so a tfjs kernel can run as plain TypeScript. */
export const HOST_DEVICES = ['cpu', 'wasm'] as const;
export type HostDevice = (typeof HOST_DEVICES)[number];

export interface HostInput {
  /**
   * Read on access, and never written. On wasm it is a view of tfjs's heap (no copy), valid
   * until the heap grows: read it after `OutputAllocator.allocate`, not before.
   */
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

export interface OutputSpec {
  shape: number[];
  dtype: 'float32' | 'int32';
}

/**
 * Outputs in the backend's own memory (on wasm, views of tfjs's heap), for a kernel that
 * can write its results in place: returned as `HostOutput.values`, they are adopted without
 * a copy. One call allocates every such output, since a later allocation may grow the heap
 * and detach views handed out earlier.
 */
export interface OutputAllocator {
  allocate(specs: readonly OutputSpec[]): Array<Float32Array | Int32Array>;
}

/**
 * A tfjs kernel written once in TypeScript for every host device (tfjs's cpu and wasm
 * backends); not to be confused with @ufbert/cmm's kernels, which a tfjs kernel may call. `compute` gets read-only
 * views of its inputs and returns its outputs: fresh arrays, which the backend copies in,
 * or arrays from `outputs.allocate`, which it adopts as they are.
 */
export interface TfjsHostKernel {
  kernelName: string;
  compute(inputs: Record<string, HostInput>, attrs: NamedAttrMap, outputs: OutputAllocator): HostOutput[];
}

interface HostBackend {
  readSync(dataId: object): unknown;
  disposeData(dataId: object): boolean;
}
interface CpuBackend extends HostBackend {
  makeTensorInfo(shape: number[], dtype: string, values: Float32Array | Int32Array): TensorInfo;
}
interface WasmBackend extends HostBackend {
  makeOutput(shape: number[], dtype: string): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array;
}

function readInput(name: HostDevice, backend: HostBackend, info: TensorInfo): HostInput {
  if (info.dtype !== 'float32' && info.dtype !== 'int32') {
    throw new TypeError(`host kernels take float32 or int32 tensors, got ${info.dtype}`);
  }
  let values: Float32Array | Int32Array | undefined;
  return {
    get values() {
      // A heap view detaches (byteLength 0) when the heap grows; take a fresh one then.
      if (values === undefined || (values.byteLength === 0 && info.shape.length > 0 && info.shape.every((d) => d > 0))) {
        values = name === 'wasm' ? (backend as WasmBackend).typedArrayFromHeap(info) : (backend.readSync(info.dataId) as Float32Array | Int32Array);
      }
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

/** Allocates outputs in place and adopts what a kernel returns: in-place outputs as they are, fresh arrays by copy. */
class Outputs implements OutputAllocator {
  private readonly inPlace = new Map<Float32Array | Int32Array, TensorInfo>();

  constructor(
    private readonly name: HostDevice,
    private readonly backend: unknown,
  ) {}

  allocate(specs: readonly OutputSpec[]): Array<Float32Array | Int32Array> {
    if (this.name === 'cpu') {
      return specs.map((spec) => {
        const size = spec.shape.reduce((a, b) => a * b, 1);
        const values = spec.dtype === 'int32' ? new Int32Array(size) : new Float32Array(size);
        this.inPlace.set(values, (this.backend as CpuBackend).makeTensorInfo(spec.shape, spec.dtype, values));
        return values;
      });
    }
    const wasm = this.backend as WasmBackend;
    // Every output first, then the views: an allocation may grow the heap and detach earlier views.
    const infos = specs.map((spec) => wasm.makeOutput(spec.shape, spec.dtype));
    return infos.map((info) => {
      const view = wasm.typedArrayFromHeap(info);
      this.inPlace.set(view, info);
      return view;
    });
  }

  /** Frees what `allocate` made and the kernel did not return (all of it when compute threw). */
  release(returned: readonly HostOutput[] = []): void {
    const kept = new Set(returned.map((o) => o.values));
    for (const [values, info] of this.inPlace) if (!kept.has(values)) (this.backend as HostBackend).disposeData(info.dataId);
  }

  adopt(outputs: HostOutput[]): TensorInfo[] {
    this.release(outputs);
    const placed = outputs.map((o) => this.inPlace.get(o.values));
    if (this.name === 'cpu') {
      const cpu = this.backend as CpuBackend;
      return outputs.map((o, i) => placed[i] ?? cpu.makeTensorInfo(o.shape, dtypeOf(o.values), o.values));
    }
    const wasm = this.backend as WasmBackend;
    const infos = outputs.map((o, i) => placed[i] ?? wasm.makeOutput(o.shape, dtypeOf(o.values)));
    infos.forEach((info, i) => {
      if (!placed[i]) wasm.typedArrayFromHeap(info).set(outputs[i].values);
    });
    return infos;
  }
}

/**
 * Registers `kernel` for the cpu and wasm backends. A backend's own kernel of that name
 * stays, unless `replace` is set (for tfjs kernels that are too slow to keep).
 */
export function registerTfjsHostKernel(kernel: TfjsHostKernel, options: { replace?: boolean } = {}): void {
  for (const backendName of HOST_DEVICES) {
    const config: KernelConfig = {
      kernelName: kernel.kernelName,
      backendName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const host = backend as unknown as HostBackend;
        const read: Record<string, HostInput> = {};
        for (const [key, info] of Object.entries(inputs)) read[key] = readInput(backendName, host, info as TensorInfo);
        const sink = new Outputs(backendName, backend);
        let computed: HostOutput[];
        try {
          computed = kernel.compute(read, attrs ?? {}, sink);
        } catch (error) {
          sink.release();
          throw error;
        }
        const outputs = sink.adopt(computed);
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
