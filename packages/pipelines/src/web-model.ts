import { tf, type Device } from '@ufbert/tensor';
import { loadCheckpoint, readModelFolder, type KernelChoice, type ModelFolderParts } from '@ufbert/crammed-bert';
import { crammedBertGraph, onnxWebRuntime, runtimeHead, type WebSessionOptions } from '@ufbert/onnx/web';
import type { Dtype } from '@ufbert/onnx/dtype';
import { resolveDtype, type DtypeChoice } from './dtype.js';
import { ModelLoadError } from './errors.js';
import type { LoadedModel } from './loaded-model.js';
import { bytesReader, type ModelBytes } from './model-bytes.js';
import { checkRuntimeOptions, loadModelParts, type RuntimeOptionOwners } from './model-loader.js';
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

/** onnxruntime-web's options; `device` chooses a tfjs backend, which onnxruntime-web has none of (it takes executionProviders). */
const ONNXRUNTIME_WEB: RuntimeOptionOwners = { name: 'onnxruntime', onnxOptions: ['executionProviders', 'wasmPaths'], tfjsOptions: ['device'] };

/** A model folder's parts from its files' bytes, with a ModelFolderError naming what is missing or malformed. */
export async function modelFiles(files: ModelBytes): Promise<ModelFolderParts> {
  return readModelFolder(bytesReader(files), 'the model bytes');
}

/**
 * The web edge of the one model loader: a model from its files' bytes (a file picker, `fetch`),
 * without Node built-ins: on tfjs with the chosen backend, or exported in memory and run by
 * onnxruntime-web (the page then serves onnxruntime-web's .wasm files at `wasmPaths`).
 */
export async function loadWebModel(files: ModelBytes, options: WebModelOptions = {}): Promise<LoadedModel> {
  const runtime = options.runtime ?? 'onnxruntime';
  if (!RUNTIMES.includes(runtime)) throw new ModelLoadError(`runtime must be one of ${RUNTIMES.join(', ')}, got '${String(runtime)}'`);
  checkRuntimeOptions(runtime, options, ONNXRUNTIME_WEB);
  const dtype = resolveDtype(options.dtype, runtime, 'q8');
  const parts = await modelFiles(files);
  const kernel = options.threads === undefined ? options.kernel : { ...options.kernel, threads: options.threads };
  const tfjs = runtime === 'tfjs' ? { backend: options.device ?? 'auto', kernel } : undefined;
  return loadModelParts(parts, dtype, tfjs, { ...ONNXRUNTIME_WEB, open: (webParts, webDtype) => openOnnxWeb(webParts, webDtype, options) }, options.warn);
}

/** The graph exported in memory; the weights pass through tfjs on their way in, on the active backend or the one tfjs starts by default. */
async function openOnnxWeb(parts: ModelFolderParts, dtype: Dtype, options: WebModelOptions) {
  // tfjs initialises its default backend asynchronously, as wasm's must be.
  await tf.ready();
  const model = await loadCheckpoint(parts.weights, parts.config, { warn: options.warn });
  let graph: Uint8Array;
  try {
    const state = await model.eval().stateDict();
    graph = crammedBertGraph(parts.config, new Map([...state].map(([name, tensor]) => [name, tensor.data as Float32Array])), {
      head: runtimeHead(parts.config),
      dtype,
    });
  } finally {
    model.dispose();
  }
  return onnxWebRuntime(parts.config, graph, { executionProviders: options.executionProviders, wasmPaths: options.wasmPaths, threads: options.threads });
}
