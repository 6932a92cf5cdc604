import type {
  ConditionalBackwardKernel,
  ConditionalForwardTrainKernel,
  ConditionalMatmulKernel,
  DenseMatmulKernel,
  Kernel,
  KernelLevel,
} from '../types.js';

/**
 * A cmm kernel on the GPU: the contract of its host counterpart, except that `run`
 * answers with a Promise, since results are read back from the device. Arguments are
 * still checked before it returns: wrong shapes, foreign or disposed prepared weights
 * and invalid paths throw synchronously, as on the host.
 */
export type WebGpuKernelOf<K extends Kernel> = Omit<K, 'backend' | 'level' | 'run'> & {
  readonly backend: 'webgpu';
  readonly level: KernelLevel;
  run(...args: Parameters<K['run']>): Promise<ReturnType<K['run']>>;
};

export type WebGpuConditionalMatmulKernel = WebGpuKernelOf<ConditionalMatmulKernel>;
export type WebGpuDenseMatmulKernel = WebGpuKernelOf<DenseMatmulKernel>;
export type WebGpuConditionalForwardTrainKernel = WebGpuKernelOf<ConditionalForwardTrainKernel>;
export type WebGpuConditionalBackwardKernel = WebGpuKernelOf<ConditionalBackwardKernel>;

export type WebGpuKernel =
  | WebGpuConditionalMatmulKernel
  | WebGpuDenseMatmulKernel
  | WebGpuConditionalForwardTrainKernel
  | WebGpuConditionalBackwardKernel;
