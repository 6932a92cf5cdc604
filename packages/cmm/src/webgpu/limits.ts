import { WebGpuLimitError } from './errors.js';

const MIB = 1024 * 1024;
const mib = (bytes: number): string => `${(bytes / MIB).toFixed(1)} MiB`;

/** Throws WebGpuLimitError unless a storage buffer of `bytes` fits maxBufferSize and maxStorageBufferBindingSize. */
export function checkBufferSize(limits: GPUSupportedLimits, what: string, bytes: number): void {
  for (const name of ['maxStorageBufferBindingSize', 'maxBufferSize'] as const) {
    if (bytes > limits[name]) {
      throw new WebGpuLimitError(`${what} needs a buffer of ${mib(bytes)}, above this adapter's ${name} (${mib(limits[name])}); use a smaller batch or layer`);
    }
  }
}

/**
 * A grid of `count` workgroups as [x, y, 1] with x within maxComputeWorkgroupsPerDimension;
 * programs read the linear index as `group` and skip the few past `count`.
 */
export function linearGrid(limits: GPUSupportedLimits, count: number, what: string): [number, number, number] {
  const max = limits.maxComputeWorkgroupsPerDimension;
  const x = Math.max(1, Math.min(count, max));
  const y = Math.ceil(count / x);
  if (y > max) {
    throw new WebGpuLimitError(`${what} needs ${count} workgroups, more than maxComputeWorkgroupsPerDimension (${max}) squared`);
  }
  return [x, Math.max(1, y), 1];
}

/** Invocations per workgroup of every program: within the defaults of core and compatibility WebGPU. */
export const WORKGROUP_SIZE = 64;

/**
 * Invocations that share one token's dot products and output rows: a power of two
 * from 4 to 64, about one per 16 elements of the longer of the two rows.
 */
export function lanesFor(width: number): number {
  let lanes = 4;
  while (lanes < WORKGROUP_SIZE && lanes * 16 < width) lanes *= 2;
  return lanes;
}

/**
 * Loop iterations one invocation may run in one dispatch. Mesa's llvmpipe (the OpenGL ES
 * route of Dawn) silently stops an invocation after 65535 iterations of all its loops
 * together; programs that walk many neurons split the walk across dispatches to stay
 * well under that.
 */
export const LOOP_BUDGET = 32768;

/** Loop iterations an invocation of the token-tile programs runs per neuron it walks. */
export function iterationsPerNeuron(inputSize: number, outputSize: number): number {
  const lanes = lanesFor(Math.max(inputSize, outputSize));
  return Math.ceil(inputSize / lanes) + Math.ceil(outputSize / lanes) + lanes;
}

/** Ranges [start, end) of at most max(1, floor(LOOP_BUDGET / iterationsPerItem)) items covering [0, items). */
export function budgetRanges(items: number, iterationsPerItem: number): Array<[number, number]> {
  const size = Math.max(1, Math.floor(LOOP_BUDGET / Math.max(1, iterationsPerItem)));
  const ranges: Array<[number, number]> = [];
  for (let start = 0; start < items; start += size) ranges.push([start, Math.min(items, start + size)]);
  return ranges;
}
