import { listKernels } from '@ufbert/cmm';
import type { ConditionalBackwardKernel, ConditionalForwardTrainKernel, ConditionalMatmulKernel, DenseMatmulKernel } from '@ufbert/cmm';
import type { WebGpuProbe } from './environment.js';

/**
 * A cmm kernel as the benchmark drives it: host kernels answer `run` at once, webgpu
 * kernels with a Promise (results are read back from the device); both are awaited.
 */
type Benchable<K extends { run(...args: never[]): unknown }> = Omit<K, 'backend' | 'run'> & {
  readonly backend: string;
  run(...args: Parameters<K['run']>): ReturnType<K['run']> | Promise<ReturnType<K['run']>>;
};

export type BenchConditionalMatmul = Benchable<ConditionalMatmulKernel>;
export type BenchDenseMatmul = Benchable<DenseMatmulKernel>;
export type BenchForwardTrain = Benchable<ConditionalForwardTrainKernel>;
export type BenchBackward = Benchable<ConditionalBackwardKernel>;
export type BenchKernel = BenchConditionalMatmul | BenchDenseMatmul | BenchForwardTrain | BenchBackward;

export interface WebGpuKernels {
  kernels: readonly BenchKernel[];
  /** Why there are none, when there are none. */
  reason?: string;
}

/**
 * Starts the device of the registry's webgpu kernels (`initWebGpu` of `@ufbert/cmm/webgpu`)
 * on the adapter the probe found.
 */
export async function loadWebGpuKernels(probe: WebGpuProbe, timeoutMs = 60_000): Promise<WebGpuKernels> {
  if (!probe.description) return { kernels: [], reason: `no WebGPU adapter (${probe.reason ?? 'not probed'})` };
  const { initWebGpu } = await import('@ufbert/cmm/webgpu');
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      initWebGpu(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no device after ${timeoutMs / 1000} s`)), timeoutMs);
        timer.unref();
      }),
    ]);
  } catch (err) {
    return { kernels: [], reason: `initWebGpu() failed: ${(err as Error).message.split('\n')[0]}` };
  } finally {
    clearTimeout(timer);
  }
  return { kernels: listKernels(undefined, ['webgpu']) as readonly BenchKernel[] };
}
