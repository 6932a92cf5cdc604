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

/** The webgpu kernels live in their own entry point, which needs a device before they run. */
const WEBGPU_ENTRY = '@ufbert/cmm/webgpu';

/**
 * Loads `@ufbert/cmm/webgpu` and starts its device on the adapter the probe found. The
 * entry point is imported by name at run time, so the benchmark builds and runs (with a
 * stated skip) while @ufbert/cmm has no webgpu kernels.
 */
export async function loadWebGpuKernels(probe: WebGpuProbe, timeoutMs = 60_000): Promise<WebGpuKernels> {
  if (!probe.description) return { kernels: [], reason: `no WebGPU adapter (${probe.reason ?? 'not probed'})` };
  let entry: { initWebGpu?: unknown; webgpuKernels?: unknown };
  try {
    entry = (await import(/* @vite-ignore */ WEBGPU_ENTRY)) as typeof entry;
  } catch (err) {
    return { kernels: [], reason: `@ufbert/cmm has no webgpu kernels here (${WEBGPU_ENTRY}: ${(err as Error).message.split('\n')[0]})` };
  }
  const { initWebGpu, webgpuKernels } = entry;
  if (typeof initWebGpu !== 'function' || !Array.isArray(webgpuKernels)) {
    return { kernels: [], reason: `${WEBGPU_ENTRY} exports no initWebGpu() and webgpuKernels` };
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      (initWebGpu as () => Promise<unknown>)(),
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
  return { kernels: webgpuKernels as BenchKernel[] };
}
