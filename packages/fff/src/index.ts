export * from './config.js';
export { fastFeedforward } from './conditional-op.js';
export type { InferenceResult, InferenceLayout } from './inference.js';
export { FFF, type FFFOptions, type FFFParameterName } from './fff-layer.js';
export { NodeUsage, type UsageReport, type SubtreeLoad } from './usage-stats.js';
export { initialValues, type FFFInit, type FFFInitialValues } from './initializers.js';
export { FFF_FORWARD, FFF_BACKWARD, FFF_INFER } from './kernel-names.js';
export { fffWebGpuKernels } from './webgpu/index.js';
export type { KernelChoice, KernelBackend, KernelLevel } from '@ufbert/cmm';
