// @ufbert/onnx/web: the graph builder and the onnxruntime-web session, without Node built-ins.
import * as ort from 'onnxruntime-web';
import type { InferenceSession } from 'onnxruntime-common';
import type { CrammedBertConfig } from '@ufbert/crammed-bert';
import { EncoderSession, type OnnxSessionOptions, type OrtApi } from './encoder-session.js';
import { EncoderSessionRuntime } from './encoder-session-runtime.js';
import { OnnxRuntimeError } from './errors.js';

export { OnnxExportError, OnnxRuntimeError, DtypeError } from './errors.js';
export { DTYPES, parseDtype, type Dtype } from './dtype.js';
export {
  crammedBertGraph,
  checkExportable,
  INPUT_IDS,
  ATTENTION_MASK,
  HIDDEN_STATES,
  LOGITS,
  POSITIONS,
  ROUTES,
  type GraphHead,
  type GraphOptions,
  type StateDict,
} from './crammed-bert-graph.js';
export { EncoderSession, type OnnxSessionOptions, type GraphOptimization, type EncodedBatch, type EncoderOutputs } from './encoder-session.js';
export { EncoderSessionRuntime, runtimeHead } from './encoder-session-runtime.js';

export interface WebSessionOptions extends OnnxSessionOptions {
  /**
   * onnxruntime-web execution providers in order of preference. Default: `['webgpu', 'wasm']`
   * where the page has `navigator.gpu`, else `['wasm']`; nodes the first cannot run fall to the next.
   */
  executionProviders?: readonly ('webgpu' | 'wasm')[];
  /** Where onnxruntime-web's .wasm files are served from (its `env.wasm.wasmPaths`). Default: beside its module. */
  wasmPaths?: string;
}

/** An exported crammedBERT / UltraFastBERT graph in an onnxruntime-web session. */
export class OnnxWebEncoderSession extends EncoderSession {
  readonly executionProviders: readonly string[];

  private constructor(
    session: InferenceSession,
    options: { threads: number; graphOptimization: 'disabled' | 'basic' | 'extended' | 'all'; executionProviders: readonly string[] },
  ) {
    super(ort as unknown as OrtApi, session, options);
    this.executionProviders = options.executionProviders;
  }

  /** Opens an exported model from a URL or its bytes; one thread unless the page is cross-origin isolated and asks for more. */
  static async create(model: string | Uint8Array, options: WebSessionOptions = {}): Promise<OnnxWebEncoderSession> {
    const threads = options.threads ?? 1;
    if (!Number.isSafeInteger(threads) || threads < 1) throw new OnnxRuntimeError(`threads must be a positive integer, got ${threads}`);
    // onnxruntime-web reads these once, when its wasm module first loads: later sessions share that setting.
    if (options.wasmPaths) ort.env.wasm.wasmPaths = options.wasmPaths;
    ort.env.wasm.numThreads = threads;
    const hasGpu = typeof navigator !== 'undefined' && 'gpu' in navigator;
    const resolved = {
      threads,
      graphOptimization: options.graphOptimization ?? 'all',
      executionProviders: options.executionProviders ?? (hasGpu ? ['webgpu', 'wasm'] : ['wasm']),
    } as const;
    return new OnnxWebEncoderSession(await EncoderSession.openSession(ort as unknown as OrtApi, model, resolved), resolved);
  }
}

/**
 * The pipelines' runtime in a browser: an export made with `head: runtimeHead(config)`
 * (`ufbert export --format onnx --head selected` for an MLM model), fetched from a URL or
 * given as bytes, on onnxruntime-web: an `InferenceRuntime`, as the pipelines of @ufbert/pipelines run.
 */
export async function onnxWebRuntime(config: CrammedBertConfig, model: string | Uint8Array, options: WebSessionOptions = {}): Promise<EncoderSessionRuntime> {
  const session = await OnnxWebEncoderSession.create(model, options);
  try {
    return new EncoderSessionRuntime(config, session, `onnxruntime-web [${session.executionProviders.join(', ')}]`);
  } catch (error) {
    await session.release();
    throw error;
  }
}
