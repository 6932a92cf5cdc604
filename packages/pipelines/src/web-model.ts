import { setBackend, tf, type BackendChoice } from '@ufbert/tensor';
import { MODEL_FILE, loadCheckpoint, parseConfig, type CrammedBertConfig, type KernelChoice } from '@ufbert/crammed-bert';
import { crammedBertGraph, onnxWebRuntime, runtimeHead, type WebSessionOptions } from '@ufbert/onnx/web';
import { resolveDtype, type DtypeChoice } from './dtype.js';
import { ModelLoadError } from './errors.js';
import { bytesMap, type ModelBytes } from './model-files.js';
import { parseModelFiles, type LoadedModel, type ModelFileParts } from './model-parts.js';
import { TfjsDeviceRuntime } from './tfjs-device-runtime.js';

/** The runtimes of a page: tfjs with ufbert's own kernels, or the exported graph in onnxruntime-web. */
export type WebRuntime = 'tfjs' | 'onnxruntime-web';
export const WEB_RUNTIMES: readonly WebRuntime[] = ['tfjs', 'onnxruntime-web'];

export interface WebModelOptions {
  /** Default `onnxruntime-web`, the faster for inference of the whole model. */
  runtime?: WebRuntime;
  /** tfjs: the backend (default `auto`: webgpu on a real GPU, else wasm). */
  device?: BackendChoice;
  /** tfjs: the FFF blocks' CMM kernel (default: the backend's own, fastest level), as `pipeline()` takes it. */
  kernel?: KernelChoice;
  /**
   * The weights' precision: on onnxruntime-web `q8` by default (and for `auto`), as
   * transformers.js runs in the browser (int8 weights, a quarter of the download and memory), or
   * `fp32`; tfjs runs `fp32` only (`q8` there is a PipelineError).
   */
  dtype?: DtypeChoice;
  /** onnxruntime-web: execution providers in order of preference (default: webgpu then wasm where the page has `navigator.gpu`). */
  executionProviders?: WebSessionOptions['executionProviders'];
  /** onnxruntime-web: where its .wasm files are served from. */
  wasmPaths?: string;
  /** Where loading reports non-finite weights (default console.warn). */
  warn?: (message: string) => void;
}

/** The model in `files` (model.safetensors, model_config.json or config.json, tokenizer.json), parsed and checked. */
export interface ModelFiles extends ModelFileParts {
  config: CrammedBertConfig;
  weights: Uint8Array;
}

/** The config and weights among the files' bytes, with a ModelLoadError naming what is missing. */
export function modelFiles(files: ModelBytes): ModelFiles {
  const map = bytesMap(files);
  const parts = parseModelFiles((file) => map.get(file), 'the model bytes');
  const weights = map.get(MODEL_FILE);
  if (!weights) throw new ModelLoadError(`expected ${MODEL_FILE} among the model bytes, got ${[...map.keys()].join(', ') || 'no files'}`);
  return { ...parts, config: parseConfig(parts.configJson), weights };
}

/**
 * A model from its files' bytes (a file picker, `fetch`), without Node built-ins: on tfjs
 * with the chosen backend, or exported in memory and run by onnxruntime-web (the page then
 * serves onnxruntime-web's .wasm files at `wasmPaths`).
 */
export async function loadWebModel(files: ModelBytes, options: WebModelOptions = {}): Promise<LoadedModel> {
  const runtime = options.runtime ?? 'onnxruntime-web';
  if (!WEB_RUNTIMES.includes(runtime)) throw new ModelLoadError(`runtime must be one of ${WEB_RUNTIMES.join(', ')}, got '${String(runtime)}'`);
  if (runtime === 'tfjs' && (options.executionProviders || options.wasmPaths)) throw new ModelLoadError('executionProviders and wasmPaths apply to onnxruntime-web, not tfjs');
  if (runtime === 'onnxruntime-web' && (options.device || options.kernel)) throw new ModelLoadError("device and kernel choose tfjs's backend and FFF kernel; onnxruntime-web takes executionProviders (use runtime 'tfjs' for them)");
  const dtype = resolveDtype(options.dtype, runtime, 'q8');
  const { tokenizer, id2label, config, weights } = modelFiles(files);
  if (runtime === 'tfjs') {
    const backend = await setBackend(options.device ?? 'auto');
    return { runtime: new TfjsDeviceRuntime(await loadCheckpoint(weights, config, { warn: options.warn, kernel: options.kernel }), backend), dtype, tokenizer, id2label };
  }
  // The weights pass through tfjs on their way into the graph: on whatever backend is active, or
  // the one tfjs starts by default (initialised asynchronously, as wasm's must be).
  await tf.ready();
  const model = await loadCheckpoint(weights, config, { warn: options.warn });
  let graph: Uint8Array;
  try {
    const state = await model.eval().stateDict();
    graph = crammedBertGraph(config, new Map([...state].map(([name, tensor]) => [name, tensor.data as Float32Array])), { head: runtimeHead(config), dtype });
  } finally {
    model.dispose();
  }
  return { runtime: await onnxWebRuntime(config, graph, { executionProviders: options.executionProviders, wasmPaths: options.wasmPaths }), dtype, tokenizer, id2label };
}
