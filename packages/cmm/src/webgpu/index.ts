// @ufbert/cmm/webgpu: the device of the CMM kernels on WebGPU (registered, with every other
// backend's, in the main entry's registry), and the programs behind them for other WebGPU
// code (the tfjs kernels of @ufbert/fff record them on tfjs's encoder).
export * from './errors.js';
export type * from './types.js';
export { initWebGpu, webgpuReady, webgpuEmulated, requireDevice, assertDeviceUsable, watchDevice, type WebGpuInfo } from './device.js';
export {
  conditionalMatmulWebGpu,
  denseMatmulWebGpuFused,
  denseMatmulWebGpuLevel3,
  conditionalForwardTrainWebGpu,
  conditionalBackwardWebGpu,
} from './kernels/index.js';
export { recordConditionalForward, type ConditionalForwardBuffers } from './conditional-forward-op.js';
export { recordConditionalBackward, type ConditionalBackwardBuffers } from './conditional-backward-op.js';
export { ProgramRecorder } from './recorder.js';
export { pipelineFor, cachedPipelineCount } from './pipeline-cache.js';
export { shaderSource, type GpuProgram, type StorageBinding, type UniformValue, type WgslScalar } from './wgsl.js';
export { checkBufferSize, linearGrid } from './limits.js';
