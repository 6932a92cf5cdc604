import { checkBufferSize } from './limits.js';

/** A storage buffer holding `values`, for inputs and prepared weights. */
export function uploadBuffer(device: GPUDevice, what: string, values: Float32Array | Int32Array): GPUBuffer {
  const size = Math.max(4, values.byteLength);
  checkBufferSize(device.limits, what, size);
  const buffer = device.createBuffer({ label: what, size, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC, mappedAtCreation: true });
  const view = values instanceof Float32Array ? new Float32Array(buffer.getMappedRange()) : new Int32Array(buffer.getMappedRange());
  view.set(values);
  buffer.unmap();
  return buffer;
}
