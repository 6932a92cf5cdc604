import type { BackendChoice } from '@ufbert/tensor';
import { CrammedBertPipeline, PipelineError, TextTokenizer, type PipelineOptions } from '@ufbert/crammed-bert';
import { OnnxInferenceRuntime } from '@ufbert/onnx';

/** `onnxruntime`: the exported graph in onnxruntime-node, the faster for inference; `tfjs`: our own kernels (cpu, wasm, webgpu). */
export type Runtime = 'onnxruntime' | 'tfjs';
export const RUNTIMES: readonly Runtime[] = ['onnxruntime', 'tfjs'];

export interface LoadOptions extends PipelineOptions {
  /** Default `onnxruntime`. */
  runtime?: Runtime;
  /** onnxruntime: intra-op threads (default: the machine's cores). */
  threads?: number;
  /** tfjs: the backend (default: the current one). */
  backend?: BackendChoice;
  /** onnxruntime: top FFF levels computed densely in the export (see @ufbert/onnx's `defaultDenseLevels`). */
  fffDenseLevels?: number;
}

/**
 * A pipeline over a checkpoint folder (model.safetensors, model_config.json, tokenizer.json)
 * on the runtime asked for. With onnxruntime the checkpoint is exported once (cached in the
 * folder, keyed by its content) with its FFF layers conditional.
 */
export async function loadPipeline(dir: string, options: LoadOptions = {}): Promise<CrammedBertPipeline> {
  const runtime = options.runtime ?? 'onnxruntime';
  if (!RUNTIMES.includes(runtime)) throw new PipelineError(`runtime must be one of ${RUNTIMES.join(', ')}, got '${runtime}'`);
  if (runtime === 'tfjs') {
    if (options.fffDenseLevels !== undefined || options.threads !== undefined) throw new PipelineError('threads and fffDenseLevels apply to the onnxruntime runtime');
    return CrammedBertPipeline.load(dir, options);
  }
  if (options.backend) throw new PipelineError(`backend '${options.backend}' applies to the tfjs runtime; onnxruntime runs on the CPU here`);
  const tokenizer = await TextTokenizer.load(dir);
  const onnx = await OnnxInferenceRuntime.fromCheckpoint(dir, { threads: options.threads, fffDenseLevels: options.fffDenseLevels });
  try {
    return new CrammedBertPipeline(onnx, tokenizer, options);
  } catch (error) {
    await onnx.dispose();
    throw error;
  }
}
