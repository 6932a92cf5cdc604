import { UfbertError } from '@ufbert/tensor';
import { KernelNotFoundError } from './errors.js';
import { kernelLabel } from './prepared.js';
import type { ConditionalMatmulKernel, Kernel, KernelBackend, KernelLevel, KernelName, KernelsByName } from './types.js';

const registry = new Map<string, Kernel>();

function key(name: KernelName, backend: KernelBackend, level: KernelLevel): string {
  return kernelLabel({ kernelName: name, backend, level });
}

/** Adds a kernel config; a second kernel under the same name, backend and level is an error. */
export function registerKernel(kernel: Kernel): void {
  const k = key(kernel.kernelName, kernel.backend, kernel.level);
  if (registry.has(k)) throw new UfbertError(`a kernel is already registered as ${k}`);
  registry.set(k, kernel);
}

export function getKernel<K extends KernelName>(name: K, backend: KernelBackend, level: KernelLevel): KernelsByName[K] {
  const kernel = registry.get(key(name, backend, level));
  if (!kernel) {
    const known = listKernels(name).map((k) => kernelLabel(k));
    throw new KernelNotFoundError(`no kernel registered as ${key(name, backend, level)}; registered: ${known.join(', ') || 'none'}`);
  }
  return kernel as KernelsByName[K];
}

/** Every registered kernel, or those of one name, in registration order. */
export function listKernels<K extends KernelName>(name?: K): Array<KernelsByName[K]> {
  return [...registry.values()].filter((k) => name === undefined || k.kernelName === name) as Array<KernelsByName[K]>;
}

const backendRank: Record<KernelBackend, number> = { wasm: 1, ts: 0 };
const levelRank = (level: KernelLevel): number => (level === 'fused' ? 4 : level);

/** The supported kernel of this name that should run fastest here: WASM before TypeScript, fused before level 3, 2, 1. */
export function fastestKernel<K extends KernelName>(name: K): KernelsByName[K] {
  const candidates = listKernels(name).filter((k) => k.isSupported());
  if (candidates.length === 0) throw new KernelNotFoundError(`no supported ${name} kernel is registered`);
  candidates.sort((a, b) => backendRank[b.backend] - backendRank[a.backend] || levelRank(b.level) - levelRank(a.level));
  return candidates[0];
}

/** WASM SIMD fused where WebAssembly SIMD is available, else TypeScript fused. */
export function fastestConditionalKernel(): ConditionalMatmulKernel {
  return fastestKernel('ConditionalMatmul');
}
