import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { activeBackend, setBackend, tf, type BackendName } from '@ufbert/tensor';
import { CONFIG_FILE, MODEL_FILE, SPECIAL_TOKENS_MAP_FILE, TOKENIZER_CONFIG_FILE, TOKENIZER_FILE, loadCheckpoint, loadModel, parseConfig, type CrammedBertModel, type InferenceRuntime, type KernelChoice } from '@ufbert/crammed-bert';
import { OnnxInferenceRuntime, type OnnxRuntimeOptions, type Parallelism } from '@ufbert/onnx';
import { chooseRuntime, type Device, type Runtime } from './device.js';
import type { DownloadOptions } from './hub/download-options.js';
import { modelFolder } from './hub/model-name.js';
import { resolveDtype, type DtypeChoice } from './dtype.js';
import { ModelLoadError } from './errors.js';
import { parseModelFiles, type LoadedModel } from './model-parts.js';
import { HF_CONFIG_FILE, bytesMap, type ModelSource } from './model-files.js';
import { TfjsDeviceRuntime } from './tfjs-device-runtime.js';

export interface LoadModelOptions extends DownloadOptions {
  /** Default `onnxruntime`, or `tfjs` for device `wasm` / `webgpu`. */
  runtime?: Runtime;
  /** tfjs: the backend (default: the active one); onnxruntime: `cpu` or `auto`. */
  device?: Device;
  /**
   * The weights' precision, by transformers.js's names: `fp32` (the default in Node, and `auto`)
   * or `q8` (onnxruntime: int8 weights, activations quantized per call, cached apart from the
   * fp32 export). tfjs runs fp32 only: `q8` there is a PipelineError.
   */
  dtype?: DtypeChoice;
  /** onnxruntime: threads (default: the machine's cores). */
  threads?: number;
  /** onnxruntime: `intra-op` (default; best for one text at a time) or `sequences` (a worker per thread, each with a share of a batch's texts). */
  parallelism?: Parallelism;
  /** onnxruntime: top FFF levels computed densely in the export (see @ufbert/onnx's `defaultDenseLevels`). */
  fffDenseLevels?: number;
  /** Where loading reports non-finite weights (default console.warn). */
  warn?: (message: string) => void;
  /**
   * tfjs: the FFF blocks' CMM kernel, backend (`ts`, `wasm`, `webgpu`) and level (1, 2,
   * `fused`). Default: the device's own (cpu: `ts`, wasm: `wasm`, webgpu: `webgpu`), fastest level.
   */
  kernel?: KernelChoice;
}

/**
 * Loads a model from a folder, a hub id `owner/name` or an http(s) URL (both resolved to a
 * snapshot folder in the Python-layout hub cache first, see `modelFolder`) or the files' bytes. From a folder (or the cache) onnxruntime's export is cached beside the
 * checkpoint, one file per dtype; from bytes it is made in memory on every load.
 */
export async function loadModelSource(source: ModelSource, options: LoadModelOptions = {}): Promise<LoadedModel> {
  const choice = chooseRuntime(options.runtime, options.device);
  const dtype = resolveDtype(options.dtype, choice.runtime, 'fp32');
  if (choice.runtime === 'tfjs' && (options.threads !== undefined || options.fffDenseLevels !== undefined || options.parallelism !== undefined)) {
    throw new ModelLoadError('threads, parallelism and fffDenseLevels apply to the onnxruntime runtime, not tfjs');
  }
  if (choice.runtime === 'onnxruntime' && options.kernel !== undefined) {
    throw new ModelLoadError('kernel applies to the tfjs runtime (our CMM kernels), not onnxruntime');
  }
  // tfjs without a device: the backend already active, or cpu in a process that has none yet.
  const backend = choice.runtime !== 'tfjs' ? undefined : await setBackend(choice.backend ?? (tf.getBackend() ? activeBackend() : 'cpu'));
  const onnxOptions: OnnxRuntimeOptions = { threads: options.threads, parallelism: options.parallelism, fffDenseLevels: options.fffDenseLevels, dtype, warn: options.warn };

  if (typeof source !== 'string' && !(source instanceof URL)) {
    const files = bytesMap(source);
    const read = (file: string) => files.get(file);
    const { tokenizer, configJson, id2label } = parseModelFiles(read, 'the model bytes');
    const safetensors = read(MODEL_FILE);
    if (!safetensors) throw new ModelLoadError(`expected ${MODEL_FILE} among the model bytes, got ${[...files.keys()].join(', ') || 'no files'}`);
    const model = await loadCheckpoint(safetensors, parseConfig(configJson), { warn: options.warn, kernel: options.kernel });
    return { runtime: await runtimeOf(model, backend, onnxOptions), dtype, tokenizer, id2label };
  }

  const dir = await modelFolder(source, options);
  const contents = new Map<string, Uint8Array>();
  for (const file of [TOKENIZER_FILE, TOKENIZER_CONFIG_FILE, SPECIAL_TOKENS_MAP_FILE, CONFIG_FILE, HF_CONFIG_FILE]) if (existsSync(join(dir, file))) contents.set(file, await readFile(join(dir, file)));
  const { tokenizer, id2label } = parseModelFiles((file) => contents.get(file), dir);
  const runtime = backend ? new TfjsDeviceRuntime(await loadModel(dir, { warn: options.warn, kernel: options.kernel }), backend) : await OnnxInferenceRuntime.fromCheckpoint(dir, onnxOptions);
  return { runtime, dtype, tokenizer, id2label };
}

/** The model exported for onnxruntime in memory (the tfjs model freed after), or kept for tfjs on its backend. */
async function runtimeOf(model: CrammedBertModel, backend: BackendName | undefined, onnxOptions: OnnxRuntimeOptions): Promise<InferenceRuntime> {
  if (backend) return new TfjsDeviceRuntime(model, backend);
  try {
    return await OnnxInferenceRuntime.fromModel(model.eval(), onnxOptions);
  } finally {
    model.dispose();
  }
}
