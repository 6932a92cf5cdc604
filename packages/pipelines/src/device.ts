import type { BackendChoice } from '@ufbert/tensor';
import { PipelineError } from './errors.js';

/** transformers.js's device names that ufbert runs: `cpu`, `wasm` and `webgpu` are tfjs backends (`cpu` also onnxruntime-node's), `auto` the fastest available. */
export type Device = 'cpu' | 'wasm' | 'webgpu' | 'auto';
export const DEVICES: readonly Device[] = ['cpu', 'wasm', 'webgpu', 'auto'];

/** `onnxruntime`: the exported graph in onnxruntime-node, the faster for inference; `tfjs`: our own kernels (cpu, wasm, webgpu). */
export type Runtime = 'onnxruntime' | 'tfjs';
export const RUNTIMES: readonly Runtime[] = ['onnxruntime', 'tfjs'];

export type RuntimeChoice = { runtime: 'onnxruntime' } | { runtime: 'tfjs'; backend: BackendChoice | undefined };

/**
 * The runtime and backend for a pipeline's `runtime` and `device` options. onnxruntime-node
 * (the default) runs on the CPU, so `wasm` and `webgpu` without a runtime mean tfjs's
 * backends of those names; with `runtime: 'onnxruntime'` they are refused rather than ignored.
 */
export function chooseRuntime(runtime: Runtime | undefined, device: Device | undefined): RuntimeChoice {
  if (runtime !== undefined && !RUNTIMES.includes(runtime)) throw new PipelineError(`runtime must be one of ${RUNTIMES.join(', ')}, got '${String(runtime)}'`);
  if (device !== undefined && !DEVICES.includes(device)) throw new PipelineError(`device must be one of ${DEVICES.join(', ')}, got '${String(device)}'`);
  const chosen = runtime ?? (device === 'wasm' || device === 'webgpu' ? 'tfjs' : 'onnxruntime');
  if (chosen === 'tfjs') return { runtime: 'tfjs', backend: device };
  if (device === 'wasm' || device === 'webgpu') throw new PipelineError(`device '${device}' is a tfjs backend; onnxruntime-node runs on the cpu (use runtime 'tfjs', or device 'cpu' or 'auto')`);
  return { runtime: 'onnxruntime' };
}
