import { UfbertError, type Device } from '@ufbert/tensor';
import { KernelChoiceError, KernelNotFoundError } from './errors.js';
import { kernelLabel } from './prepared.js';
import type { ConditionalMatmulKernel, HostKernelBackend, Kernel, KernelBackend, KernelLevel, KernelName, KernelOf, WeightDtype } from './types.js';
import type { KernelChoice } from './kernel-choice.js';

// The one place that knows the backends. Adding one: a folder of kernels that registers
// them (as kernels/ts, kernels/wasm and webgpu/kernels do) and a line in each table here.

/** Preference when nothing is asked for: a higher rank runs faster where it is supported. */
const BACKEND_RANK: Record<KernelBackend, number> = { webgpu: 2, wasm: 1, ts: 0 };
/** The tfjs backends whose tensors a kernel backend reads without a transfer. */
const READS_TENSORS_OF: Record<KernelBackend, readonly Device[]> = { ts: ['cpu', 'wasm'], wasm: ['cpu', 'wasm'], webgpu: ['webgpu'] };
/** The kernel backend a model on a tfjs backend runs when none is asked for: `cpu` means TypeScript, not WASM. */
const DEFAULT_FOR_TENSORS: Record<Device, KernelBackend> = { cpu: 'ts', wasm: 'wasm', webgpu: 'webgpu' };

export const KERNEL_BACKENDS: readonly KernelBackend[] = ['ts', 'wasm', 'webgpu'];
export const HOST_KERNEL_BACKENDS: readonly HostKernelBackend[] = ['ts', 'wasm'];
export const WEIGHT_DTYPES: readonly WeightDtype[] = ['fp32', 'q8'];

const registry = new Map<string, Kernel>();

// The weight dtype is part of a kernel's identity, not of its name: a q8 ConditionalMatmul
// has the fp32 one's contract (float in, float out), so layers choose it with the same call.
function key(name: KernelName, backend: KernelBackend, level: KernelLevel, dtype: WeightDtype): string {
  return kernelLabel({ kernelName: name, backend, level, dtype });
}

const dtypeOf = (kernel: Kernel): WeightDtype => kernel.dtype ?? 'fp32';

/** Adds a kernel config; a second kernel under the same name, backend, level and dtype is an error. */
export function registerKernel(kernel: Kernel): void {
  const k = key(kernel.kernelName, kernel.backend, kernel.level, dtypeOf(kernel));
  if (registry.has(k)) throw new UfbertError(`a kernel is already registered as ${k}`);
  registry.set(k, kernel);
}

export function getKernel<K extends KernelName, B extends KernelBackend>(name: K, backend: B, level: KernelLevel, dtype: WeightDtype = 'fp32'): KernelOf<K, B> {
  const kernel = registry.get(key(name, backend, level, dtype));
  if (!kernel) {
    const known = listKernels(name).map((k) => kernelLabel(k));
    throw new KernelNotFoundError(`no kernel registered as ${key(name, backend, level, dtype)}; registered: ${known.join(', ') || 'none'}`);
  }
  return kernel as KernelOf<K, B>;
}

/** Every registered kernel, or those of one name (and backends), in registration order. */
export function listKernels<K extends KernelName, B extends KernelBackend = KernelBackend>(name?: K, backends?: readonly B[]): Array<KernelOf<K, B>> {
  return [...registry.values()].filter(
    (k) => (name === undefined || k.kernelName === name) && (backends === undefined || (backends as readonly KernelBackend[]).includes(k.backend)),
  ) as Array<KernelOf<K, B>>;
}

const levelRank = (level: KernelLevel): number => (level === 'fused' ? 4 : level);
const byPreference = (a: Kernel, b: Kernel): number => BACKEND_RANK[b.backend] - BACKEND_RANK[a.backend] || levelRank(b.level) - levelRank(a.level);

/**
 * The supported kernel of this name and weight dtype (default fp32) that should run fastest
 * here, among `backends` (by default the host ones, whose `run` is synchronous): a faster
 * backend first, then fused before level 3, 2, 1. A kernel on an emulated device is never picked.
 */
export function fastestKernel<K extends KernelName, B extends KernelBackend = HostKernelBackend>(
  name: K,
  backends: readonly B[] = HOST_KERNEL_BACKENDS as readonly B[],
  dtype: WeightDtype = 'fp32',
): KernelOf<K, B> {
  const candidates = listKernels(name, backends).filter((k) => dtypeOf(k) === dtype && k.isSupported() && !k.isEmulated?.());
  if (candidates.length === 0) throw new KernelNotFoundError(`no supported ${name} kernel on ${dtype} weights is registered for ${backends.join(', ')}`);
  return (candidates as Kernel[]).sort(byPreference)[0] as KernelOf<K, B>;
}

/** WASM SIMD fused where WebAssembly SIMD is available, else TypeScript fused. */
export function fastestConditionalKernel(): ConditionalMatmulKernel {
  return fastestKernel('ConditionalMatmul');
}

/** The kernel backend that runs on a tfjs backend's tensors when none is asked for. */
export function defaultKernelBackend(tensorsOn: Device): KernelBackend {
  return DEFAULT_FOR_TENSORS[tensorsOn];
}

/**
 * The kernel to run for `choice` on tensors of the tfjs backend `tensorsOn`: the backend
 * asked for, or that tfjs backend's own (`defaultKernelBackend`); the level asked for, or
 * the fastest that backend has on the weight dtype asked for (default fp32). Throws
 * KernelChoiceError when the backend cannot read those tensors or the dtype is unknown,
 * KernelNotFoundError when no such kernel is registered or it cannot run here.
 */
export function chooseKernel<K extends KernelName, B extends KernelBackend = KernelBackend>(
  name: K,
  choice: KernelChoice & { readonly backend?: B },
  tensorsOn: Device,
): KernelOf<K, B> {
  const backend = choice.backend ?? defaultKernelBackend(tensorsOn);
  if (!KERNEL_BACKENDS.includes(backend))
    throw new KernelChoiceError(`unknown kernel backend '${String(backend)}'; expected one of ${KERNEL_BACKENDS.join(', ')}`);
  if (!READS_TENSORS_OF[backend].includes(tensorsOn)) {
    throw new KernelChoiceError(
      `${name}/${backend} cannot run on tfjs-${tensorsOn} tensors; expected a kernel backend of ${KERNEL_BACKENDS.filter((b) => READS_TENSORS_OF[b].includes(tensorsOn)).join(' or ')}`,
    );
  }
  const dtype = choice.dtype ?? 'fp32';
  if (!WEIGHT_DTYPES.includes(dtype)) throw new KernelChoiceError(`unknown weight dtype '${String(dtype)}'; expected one of ${WEIGHT_DTYPES.join(', ')}`);
  if (choice.level !== undefined) {
    const kernel = getKernel(name, backend, choice.level, dtype);
    if (!kernel.isSupported()) throw new KernelNotFoundError(`${kernelLabel(kernel)} cannot run here (isSupported() is false)`);
    return kernel as KernelOf<K, B>;
  }
  // Emulated or not, the backend was asked for (or its tfjs backend was): only the level is chosen here.
  const candidates = listKernels(name, [backend]).filter((k) => dtypeOf(k) === dtype && k.isSupported()) as Kernel[];
  if (candidates.length === 0) throw new KernelNotFoundError(`no ${name} kernel of backend ${backend} on ${dtype} weights can run here`);
  return candidates.sort(byPreference)[0] as KernelOf<K, B>;
}
