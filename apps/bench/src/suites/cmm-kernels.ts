import { HOST_KERNEL_BACKENDS, kernelLabel, listKernels } from '@ufbert/cmm';
import type { SuiteContext } from '../context.js';
import type { BenchBackward, BenchConditionalMatmul, BenchDenseMatmul, BenchForwardTrain, BenchKernel } from '../webgpu-kernels.js';

type Name = BenchKernel['kernelName'];

/**
 * The kernels of one name that can run here: the @ufbert/cmm registry (ts, wasm) in its
 * order, then the webgpu kernels when their device started. Every unsupported kernel,
 * and webgpu when it has no kernel of this name, is a printed skip with its reason.
 */
export function benchKernels(ctx: SuiteContext, name: 'ConditionalMatmul'): BenchConditionalMatmul[];
export function benchKernels(ctx: SuiteContext, name: 'DenseMatmul'): BenchDenseMatmul[];
export function benchKernels(ctx: SuiteContext, name: 'ConditionalForwardTrain'): BenchForwardTrain[];
export function benchKernels(ctx: SuiteContext, name: 'ConditionalBackward'): BenchBackward[];
export function benchKernels(ctx: SuiteContext, name: Name): BenchKernel[] {
  const gpu = ctx.webgpuKernels.kernels.filter((k) => k.kernelName === name);
  const all: BenchKernel[] = [...listKernels(name, HOST_KERNEL_BACKENDS), ...gpu];
  if (gpu.length === 0) {
    ctx.skip(`${name} on webgpu`, ctx.webgpuKernels.reason ?? `@ufbert/cmm/webgpu has no ${name} kernel`);
  }
  return all.filter((k) => {
    if (k.isSupported()) return true;
    ctx.skip(kernelLabel(k), 'isSupported() is false on this machine');
    return false;
  });
}
