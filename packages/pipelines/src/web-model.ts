import { setBackend, tf, type Device } from '@ufbert/tensor';
import { TfjsRuntime } from '@ufbert/crammed-bert';
import { MODEL_FILE, loadCheckpoint, parseConfig, type CrammedBertConfig, type KernelChoice } from '@ufbert/crammed-bert';
import { crammedBertGraph, onnxWebRuntime, runtimeHead, type WebSessionOptions } from '@ufbert/onnx/web';
import { resolveDtype, type DtypeChoice } from './dtype.js';
import { ModelLoadError } from './errors.js';
import { bytesMap, type ModelBytes } from './model-files.js';
import { parseModelFiles, type LoadedModel, type ModelFileParts } from './model-parts.js';
import { RUNTIMES, type Runtime } from './device.js';

export interface WebModelOptions {
  /** `onnxruntime` (the default, the faster for inference of the whole model: onnxruntime-web in a page) or `tfjs`, ufbert's kernels. */
  runtime?: Runtime;
  /** tfjs: the backend (default `auto`: webgpu on a real GPU, else wasm). */
  device?: Device | 'auto';
  /** tfjs: the FFF blocks' CMM kernel (default: the backend's own, fastest level), as `pipeline()` takes it. */
  kernel?: KernelChoice;
  /**
   * Threads of the runtime instance: tfjs, those of the FFF blocks' wasm kernel (the kernel
   * choice's `threads`); onnxruntime-web, its wasm threads (default 1; more need a
   * cross-origin-isolated page). Either way the model's own, not a process setting.
   */
  threads?: number;
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
  const runtime = options.runtime ?? 'onnxruntime';
  if (!RUNTIMES.includes(runtime)) throw new ModelLoadError(`runtime must be one of ${RUNTIMES.join(', ')}, got '${String(runtime)}'`);
  if (runtime === 'tfjs' && (options.executionProviders || options.wasmPaths)) throw new ModelLoadError('executionProviders and wasmPaths apply to onnxruntime-web, not tfjs');
  if (runtime === 'onnxruntime' && (options.device || options.kernel)) throw new ModelLoadError("device and kernel choose tfjs's backend and FFF kernel; onnxruntime-web takes executionProviders (use runtime 'tfjs' for them)");
  const dtype = resolveDtype(options.dtype, runtime, 'q8');
  const { tokenizer, id2label, config, weights } = modelFiles(files);
  if (runtime === 'tfjs') {
    const backend = await setBackend(options.device ?? 'auto');
    const kernel = options.threads === undefined ? options.kernel : { ...options.kernel, threads: options.threads };
    return { runtime: new TfjsRuntime(await loadCheckpoint(weights, config, { warn: options.warn, kernel }), { device: backend }), dtype, tokenizer, id2label };
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
  const session = { executionProviders: options.executionProviders, wasmPaths: options.wasmPaths, threads: options.threads };
  return { runtime: await onnxWebRuntime(config, graph, session), dtype, tokenizer, id2label };
}
