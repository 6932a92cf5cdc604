import { DEVICES, type Device } from '@ufbert/tensor';
import { PipelineError } from './errors.js';

/**
 * What computes a model's numbers: `tfjs`, ufbert's own kernels on a Device (cpu, wasm,
 * webgpu), or `onnxruntime`, the exported graph (onnxruntime-node in Node, onnxruntime-web
 * in a page). The one runtime name in every package.
 */
export type Runtime = 'tfjs' | 'onnxruntime';
export const RUNTIMES: readonly Runtime[] = ['onnxruntime', 'tfjs'];

export type RuntimeChoice = { runtime: 'onnxruntime' } | { runtime: 'tfjs'; backend: Device | 'auto' | undefined };

/** Whether `device` is a Device or `auto`, the values a pipeline's `device` option takes. */
export function isDeviceOption(device: unknown): device is Device | 'auto' {
  return device === 'auto' || DEVICES.includes(device as Device);
}

/**
 * The runtime and device for a pipeline's `runtime` and `device` options. onnxruntime-node
 * (the default) runs on the CPU, so `wasm` and `webgpu` without a runtime mean tfjs's
 * devices of those names; with `runtime: 'onnxruntime'` they are refused rather than ignored.
 */
export function chooseRuntime(runtime: Runtime | undefined, device: Device | 'auto' | undefined): RuntimeChoice {
  if (runtime !== undefined && !RUNTIMES.includes(runtime)) throw new PipelineError(`runtime must be one of ${RUNTIMES.join(', ')}, got '${String(runtime)}'`);
  if (device !== undefined && !isDeviceOption(device)) throw new PipelineError(`device must be one of ${DEVICES.join(', ')}, auto, got '${String(device)}'`);
  const chosen = runtime ?? (device === 'wasm' || device === 'webgpu' ? 'tfjs' : 'onnxruntime');
  if (chosen === 'tfjs') return { runtime: 'tfjs', backend: device };
  if (device === 'wasm' || device === 'webgpu')
    throw new PipelineError(`device '${device}' is a tfjs backend; onnxruntime-node runs on the cpu (use runtime 'tfjs', or device 'cpu' or 'auto')`);
  return { runtime: 'onnxruntime' };
}
