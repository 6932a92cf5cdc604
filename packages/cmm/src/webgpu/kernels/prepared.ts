import { PreparedBase } from '../../prepared.js';
import { checkBufferSize } from '../limits.js';
import { uploadBuffer } from '../buffers.js';

/** Weights on the GPU, uploaded once by prepare() and destroyed by dispose(). */
export class WebGpuPrepared<S> extends PreparedBase<S> {
  constructor(
    shape: S,
    owner: string,
    readonly device: GPUDevice,
    readonly buffers: Readonly<Record<string, GPUBuffer>>,
  ) {
    super(shape, owner);
  }

  protected override release(): void {
    for (const buffer of Object.values(this.buffers)) buffer.destroy();
  }
}

/** Uploads every array, after checking that all of them fit, so that a failure leaves nothing behind. */
export function uploadWeights(device: GPUDevice, arrays: Readonly<Record<string, Float32Array>>): Record<string, GPUBuffer> {
  for (const [name, values] of Object.entries(arrays)) checkBufferSize(device.limits, name, values.byteLength);
  return Object.fromEntries(Object.entries(arrays).map(([name, values]) => [name, uploadBuffer(device, name, values)]));
}

/** Copies read-back float32 values into `out` (which holds exactly as many) and returns it. */
export function copyInto(out: Float32Array, data: ArrayBuffer): Float32Array {
  out.set(new Float32Array(data, 0, out.length));
  return out;
}
