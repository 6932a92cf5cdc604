export * from './types.js';
export * from './errors.js';
export { nodesPerTree, assertTreeShape, MAX_DEPTH } from './tree.js';
export {
  registerKernel,
  getKernel,
  listKernels,
  fastestKernel,
  fastestConditionalKernel,
  chooseKernel,
  defaultKernelBackend,
  KERNEL_BACKENDS,
  HOST_KERNEL_BACKENDS,
  WEIGHT_DTYPES,
} from './registry.js';
export { kernelLabel } from './prepared.js';
export { parseKernelChoice, formatKernelChoice, KERNEL_LEVELS, type KernelChoice } from './kernel-choice.js';
export { quantizeConditional, quantizeRows, quantizeToken, checkQuantizedWeights, coefficientLevels, ACTIVATION_LEVELS, Q8_MAX } from './quantize.js';
export * from './kernels/index.js';
export {
  resolveThreadSettings,
  defaultThreadCount,
  threadCalibration,
  startThreadPool,
  threadPoolReady,
  threadPoolStatus,
  type ThreadPoolStatus,
  type ThreadSettings,
} from './wasm/threads.js';
export { initWasm, selectWasmBuild, wasmBuild, wasmRelaxedSimdSupported, wasmSimdSupported, type WasmBuild } from './wasm/wasm-instance.js';
export { multiplyAddPeak, simdThroughput } from './wasm/simd-throughput.js';
