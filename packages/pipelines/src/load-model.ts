import {
  CONFIG_FILE,
  HF_CONFIG_FILE,
  MODEL_FILE,
  SPECIAL_TOKENS_MAP_FILE,
  TOKENIZER_CONFIG_FILE,
  TOKENIZER_FILE,
  loadCheckpoint,
  readModelFolder,
  type KernelChoice,
  type ModelFolderParts,
} from '@ufbert/crammed-bert';
import { readModelFolderSnapshot } from '@ufbert/crammed-bert/node';
import type { Parallelism } from '@ufbert/onnx';
import { OnnxInferenceRuntime, type OnnxRuntimeOptions } from '@ufbert/onnx/node';
import type { Dtype } from '@ufbert/onnx/dtype';
import type { Device } from '@ufbert/tensor';
import { chooseRuntime, type Runtime } from './device.js';
import type { DownloadOptions } from './hub/download-options.js';
import { modelFolder } from './hub/model-name.js';
import { resolveDtype, type DtypeChoice } from './dtype.js';
import type { LoadedModel } from './loaded-model.js';
import { bytesReader, type ModelBytes, type ModelSource } from './model-bytes.js';
import { checkRuntimeOptions, loadModelParts, type OnnxEdge, type RuntimeOptionOwners, type TfjsChoice } from './model-loader.js';

export interface ModelSourceOptions extends DownloadOptions {
  /** Default `onnxruntime`, or `tfjs` for device `wasm` / `webgpu`. */
  runtime?: Runtime;
  /** tfjs: the device (default: the active one); onnxruntime: `cpu` or `auto`. */
  device?: Device | 'auto';
  /**
   * The weights' precision, by transformers.js's names: `fp32` (the default in Node, and `auto`)
   * or `q8` (onnxruntime: int8 weights, activations quantized per call, cached apart from the
   * fp32 export). tfjs runs fp32 only: `q8` there is a PipelineError.
   */
  dtype?: DtypeChoice;
  /**
   * Threads of the runtime instance: onnxruntime, its intra-op threads (default: the
   * machine's cores); tfjs, those of the FFF blocks' wasm kernel (the kernel choice's
   * `threads`; default: the cores, at most 8). Either way the model's own, not a process setting.
   */
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

/** Every file a pipeline reads from a model folder, read as one snapshot. */
const PIPELINE_FILES = [MODEL_FILE, CONFIG_FILE, HF_CONFIG_FILE, TOKENIZER_FILE, TOKENIZER_CONFIG_FILE, SPECIAL_TOKENS_MAP_FILE];

/**
 * The Node edge of the one model loader: a model from a folder, a hub id `owner/name` or an
 * http(s) URL (both resolved to a snapshot folder in the Python-layout hub cache first, see
 * `modelFolder`) or the files' bytes. A folder is read as one consistent snapshot through the
 * guarded file layer; from a folder (or the cache) onnxruntime's export is cached beside the
 * checkpoint, one file per dtype; from bytes it is made in memory on every load.
 */
export async function loadModelSource(source: ModelSource, options: ModelSourceOptions = {}): Promise<LoadedModel> {
  const choice = chooseRuntime(options.runtime, options.device);
  const dtype = resolveDtype(options.dtype, choice.runtime, 'fp32');
  checkRuntimeOptions(choice.runtime, options, ONNXRUNTIME_NODE);
  const fromBytes = typeof source !== 'string' && !(source instanceof URL);
  const dir = fromBytes ? undefined : await modelFolder(source, options);
  const parts = dir
    ? await readModelFolder(await readModelFolderSnapshot(dir, PIPELINE_FILES), dir)
    : await readModelFolder(bytesReader(source as ModelBytes), 'the model bytes');
  const kernel = options.threads === undefined ? options.kernel : { ...options.kernel, threads: options.threads };
  const tfjs: TfjsChoice | undefined = choice.runtime === 'tfjs' ? { backend: choice.backend ?? 'active', kernel } : undefined;
  const edge: OnnxEdge = { ...ONNXRUNTIME_NODE, open: (folderParts, folderDtype) => openOnnx(folderParts, folderDtype, dir, options) };
  return loadModelParts(parts, dtype, tfjs, edge, options.warn);
}

/** onnxruntime-node's options; its `device` (`cpu`, `auto`) is checked by `chooseRuntime`. */
const ONNXRUNTIME_NODE: RuntimeOptionOwners = { name: 'onnxruntime', onnxOptions: ['parallelism', 'fffDenseLevels'], tfjsOptions: [] };

/** The export cached beside the checkpoint when the model came from a folder, else made in memory. */
async function openOnnx(parts: ModelFolderParts, dtype: Dtype, folder: string | undefined, options: ModelSourceOptions): Promise<OnnxInferenceRuntime> {
  const onnxOptions: OnnxRuntimeOptions = {
    threads: options.threads,
    parallelism: options.parallelism,
    fffDenseLevels: options.fffDenseLevels,
    dtype,
    warn: options.warn,
  };
  if (folder) return OnnxInferenceRuntime.fromCheckpointParts(folder, parts, onnxOptions);
  // From bytes: exported in memory, the tfjs model freed after.
  const model = await loadCheckpoint(parts.weights, parts.config, { warn: options.warn });
  try {
    return await OnnxInferenceRuntime.fromModel(model.eval(), onnxOptions);
  } finally {
    model.dispose();
  }
}
