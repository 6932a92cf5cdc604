export { tf } from './tf.js';
export type { Tensor, Tensor1D, Tensor2D, Tensor3D, Rank, DataType, TensorContainer } from './tf.js';
export * from './errors.js';
export * from './backend.js';
export { formatAdapter, type WebGpuAdapterDescription } from './webgpu-adapter.js';
export { relativeError, type ParityReport } from './compare.js';
export * from './gelu-math.js';
export { geluFast, geluDerivativeFast, ERF_TABLE, ERF_TABLE_ROWS, ERF_TABLE_STEP_INVERSE, ERF_TABLE_STRIDE } from './gelu-table.js';
import './backend-gaps.js';
export { geluExact } from './gelu.js';
export { ERF_WGSL } from './kernels/gelu-webgpu.js';
export { layerNorm } from './layer-norm.js';
export { Rng, type RngState } from './rng.js';
export {
  registerTfjsHostKernel,
  HOST_DEVICES,
  type TfjsHostKernel,
  type HostInput,
  type HostOutput,
  type HostDevice,
  type OutputAllocator,
  type OutputSpec,
} from './tfjs-host-kernel.js';
export * from './safetensors.js';
export { excerpt, EXCERPT_LENGTH } from './excerpt.js';
export { hasOwnEntry, ownEntry, INHERITED_NAMES } from './own-entry.js';
