import type { Device } from '@ufbert/tensor';
import { PipelineError, type WebModelOptions } from '@ufbert/pipelines/web';

/** One choice of the page's runtime switch: what runs the pipelines (a runtime and its device), and the device the routes are traced on. */
export interface RuntimeOption {
  id: string;
  label: string;
  model: WebModelOptions;
  /** Routes are read from the FFF kernels of tfjs; onnxruntime-web returns node ids but not their logits. */
  routes: Device;
}

export const RUNTIME_OPTIONS: readonly RuntimeOption[] = [
  { id: 'tfjs-webgpu', label: 'tfjs · WebGPU (ufbert kernels)', model: { runtime: 'tfjs', device: 'webgpu' }, routes: 'webgpu' },
  { id: 'tfjs-wasm', label: 'tfjs · wasm (ufbert kernels)', model: { runtime: 'tfjs', device: 'wasm' }, routes: 'wasm' },
  { id: 'ort-webgpu', label: 'onnxruntime-web · WebGPU', model: { runtime: 'onnxruntime', executionProviders: ['webgpu', 'wasm'] }, routes: 'wasm' },
  { id: 'ort-wasm', label: 'onnxruntime-web · wasm', model: { runtime: 'onnxruntime', executionProviders: ['wasm'] }, routes: 'wasm' },
];

export function runtimeOption(id: string): RuntimeOption {
  const choice = RUNTIME_OPTIONS.find((c) => c.id === id);
  if (!choice) throw new PipelineError(`unknown backend '${id}': expected one of ${RUNTIME_OPTIONS.map((c) => c.id).join(', ')}`);
  return choice;
}
