import type { BackendName } from '@ufbert/tensor';
import { PipelineError, type WebModelOptions } from '@ufbert/pipelines/web';

/** One choice of the backend switch: what runs the pipelines, and the tfjs backend the routes are traced on. */
export interface BackendChoice {
  id: string;
  label: string;
  model: WebModelOptions;
  /** Routes are read from the FFF kernels of tfjs; onnxruntime-web returns node ids but not their logits. */
  routes: BackendName;
}

export const BACKEND_CHOICES: readonly BackendChoice[] = [
  { id: 'tfjs-webgpu', label: 'tfjs · WebGPU (ufbert kernels)', model: { runtime: 'tfjs', device: 'webgpu' }, routes: 'webgpu' },
  { id: 'tfjs-wasm', label: 'tfjs · wasm (ufbert kernels)', model: { runtime: 'tfjs', device: 'wasm' }, routes: 'wasm' },
  { id: 'ort-webgpu', label: 'onnxruntime-web · WebGPU', model: { runtime: 'onnxruntime-web', executionProviders: ['webgpu', 'wasm'] }, routes: 'wasm' },
  { id: 'ort-wasm', label: 'onnxruntime-web · wasm', model: { runtime: 'onnxruntime-web', executionProviders: ['wasm'] }, routes: 'wasm' },
];

export function backendChoice(id: string): BackendChoice {
  const choice = BACKEND_CHOICES.find((c) => c.id === id);
  if (!choice) throw new PipelineError(`unknown backend '${id}': expected one of ${BACKEND_CHOICES.map((c) => c.id).join(', ')}`);
  return choice;
}
