import type { KernelOf } from '../types.js';

export type WebGpuConditionalMatmulKernel = KernelOf<'ConditionalMatmul', 'webgpu'>;
export type WebGpuDenseMatmulKernel = KernelOf<'DenseMatmul', 'webgpu'>;
export type WebGpuConditionalForwardTrainKernel = KernelOf<'ConditionalForwardTrain', 'webgpu'>;
export type WebGpuConditionalBackwardKernel = KernelOf<'ConditionalBackward', 'webgpu'>;

export type WebGpuKernel = WebGpuConditionalMatmulKernel | WebGpuDenseMatmulKernel | WebGpuConditionalForwardTrainKernel | WebGpuConditionalBackwardKernel;
