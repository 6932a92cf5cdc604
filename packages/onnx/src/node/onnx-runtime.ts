import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { FILE_LIMITS, ensureFolder, pathKind, readBytes, readText, writeFileAtomic } from '@ufbert/tensor/node';
import {
  CONFIG_FILE,
  HF_CONFIG_FILE,
  MODEL_FILE,
  ONNX_CACHE_DIR,
  loadCheckpoint,
  readModelConfig,
  readModelWeights,
  type CrammedBertConfig,
  type CrammedBertModel,
} from '@ufbert/crammed-bert';
import { readModelFolderSnapshot } from '@ufbert/crammed-bert/node';
import { onnxModelBytes } from '../onnx-model-bytes.js';
import { defaultDenseLevels } from '../conditional-feedforward-graph.js';
import { EncoderSessionRuntime, runtimeHead } from '../encoder-session-runtime.js';
import { OnnxEncoderSession } from './session.js';
import type { EncoderRunner, GraphOptimization, OnnxSessionOptions, Parallelism } from '../encoder-session.js';
import { MAX_WORKERS, SequenceParallelSession } from './sequence-parallel-session.js';
import { OnnxRuntimeError } from '../errors.js';
import { parseDtype, type Dtype } from '../dtype.js';

/** Bumped whenever the exported graph changes, so cached exports of older graphs are not reused. */
const GRAPH_VERSION = 1;

/** A checkpoint already read from its folder (one snapshot): its config and model.safetensors' bytes. */
export interface CheckpointParts {
  config: CrammedBertConfig;
  weights: Uint8Array;
}

export interface OnnxRuntimeOptions extends OnnxSessionOptions {
  /**
   * `intra-op` (default): one session, its operators split across `threads`, the fastest for
   * one sentence at a time. `sequences`: `threads` one-thread sessions in worker threads,
   * each running a slice of a batch's sequences: faster on batches of several sequences,
   * with a copy of the weights per worker.
   */
  parallelism?: Parallelism;
  /** Top FFF levels computed densely (see `defaultDenseLevels`). */
  fffDenseLevels?: number;
  /** `fp32` (default) or `q8` (the int8 export); each is cached under its own key, so both live side by side. */
  dtype?: Dtype;
  /** Cache the export beside the checkpoint (default true); false exports in memory on every load. */
  cache?: boolean;
  /** Where loading the checkpoint reports non-finite weights (default console.warn). */
  warn?: (message: string) => void;
}

/**
 * The pipelines' runtime on onnxruntime-node: the model exported with its conditional FFF
 * (an MLM model with `head: 'selected'`, so fill-mask decodes only the masked positions).
 */
export class OnnxInferenceRuntime extends EncoderSessionRuntime {
  /** Where the export was read from: a cached file, or `memory`. */
  readonly source: string;

  private constructor(config: CrammedBertConfig, session: EncoderRunner, source: string, dtype: Dtype) {
    super(config, session, 'onnxruntime-node', dtype);
    this.source = source;
  }

  /** Exports `model` (in memory) and opens it. The model is not kept: dispose it when done. */
  static async fromModel(model: CrammedBertModel, options: OnnxRuntimeOptions = {}): Promise<OnnxInferenceRuntime> {
    checkRuntimeOptions(options);
    const bytes = await onnxModelBytes(model, { head: runtimeHead(model.config), fffDenseLevels: options.fffDenseLevels, dtype: options.dtype });
    return new OnnxInferenceRuntime(model.config, await openRunner(bytes, options), 'memory', options.dtype ?? 'fp32');
  }

  /**
   * A checkpoint folder (model.safetensors + model_config.json), read as one snapshot; see `fromCheckpointParts`.
   */
  static async fromCheckpoint(dir: string, options: OnnxRuntimeOptions = {}): Promise<OnnxInferenceRuntime> {
    checkRuntimeOptions(options);
    const read = await readModelFolderSnapshot(dir, [MODEL_FILE, CONFIG_FILE, HF_CONFIG_FILE]);
    const { config } = await readModelConfig(read, dir);
    return OnnxInferenceRuntime.fromCheckpointParts(dir, { config, weights: await readModelWeights(read, dir) }, options);
  }

  /**
   * The checkpoint of the folder `dir`, already read, exported once and cached in
   * `<dir>/onnx-cache/` under the SHA-256 of its weights, its config and the export options,
   * beside a digest of the export itself: a later load of the same checkpoint reuses the export
   * after checking it against that digest, and exports again when it does not match or does not
   * load. The cache is written through the guarded file layer: a symbolic link where a cached
   * file should be is replaced (and reported through `warn`), never followed; a FIFO or device
   * there is a typed error. A folder that cannot be written is exported in memory instead.
   */
  static async fromCheckpointParts(dir: string, parts: CheckpointParts, options: OnnxRuntimeOptions = {}): Promise<OnnxInferenceRuntime> {
    // Before the cache: a cached export that fails to open is exported again, which a bad option would only repeat.
    checkRuntimeOptions(options);
    const { config, weights } = parts;
    const head = runtimeHead(config);
    const dtype = options.dtype ?? 'fp32';
    const fffDenseLevels = config.intermed_type === 'fff' ? (options.fffDenseLevels ?? defaultDenseLevels(config.intermed_depth)) : undefined;
    const cache = options.cache !== false;
    const key = sha256(JSON.stringify({ graph: GRAPH_VERSION, head, fffDenseLevels, dtype, config }), weights).slice(0, 20);
    const cached = join(dir, ONNX_CACHE_DIR, `model-${key}.onnx`);
    if (cache) {
      const bytes = await readVerified(cached);
      if (bytes) {
        const session = await openRunner(bytes, options).catch(() => undefined);
        if (session) return new OnnxInferenceRuntime(config, session, cached, dtype);
      }
    }
    const model = await loadCheckpoint(weights, config, { warn: options.warn, where: `${dir}/${MODEL_FILE}` });
    let bytes: Uint8Array;
    try {
      bytes = await onnxModelBytes(model.eval(), { head, fffDenseLevels, dtype });
    } finally {
      model.dispose();
    }
    const source = cache && (await writeCached(dir, cached, bytes, options.warn ?? console.warn)) ? cached : 'memory';
    return new OnnxInferenceRuntime(config, await openRunner(bytes, options), source, dtype);
  }
}

const DIGEST_SUFFIX = '.sha256';

const PARALLELISMS: readonly Parallelism[] = ['intra-op', 'sequences'];
const OPTIMIZATIONS: readonly GraphOptimization[] = ['disabled', 'basic', 'extended', 'all'];

/** The session options, checked before anything is loaded or exported. */
function checkRuntimeOptions(options: OnnxRuntimeOptions): void {
  const { threads, parallelism, graphOptimization } = options;
  if (options.dtype !== undefined) parseDtype(options.dtype);
  const most = parallelism === 'sequences' ? MAX_WORKERS : 1024;
  if (threads !== undefined && !(Number.isSafeInteger(threads) && threads >= 1 && threads <= most)) {
    throw new OnnxRuntimeError(
      `threads must be an integer in [1, ${most}]${parallelism === 'sequences' ? ' (one worker each)' : ''}, got ${String(threads).slice(0, 20)}`,
    );
  }
  if (parallelism !== undefined && !PARALLELISMS.includes(parallelism))
    throw new OnnxRuntimeError(`expected parallelism 'intra-op' or 'sequences', got ${String(parallelism).slice(0, 40)}`);
  if (graphOptimization !== undefined && !OPTIMIZATIONS.includes(graphOptimization))
    throw new OnnxRuntimeError(`expected graphOptimization one of ${OPTIMIZATIONS.join(', ')}, got ${String(graphOptimization).slice(0, 40)}`);
}

function openRunner(bytes: Uint8Array, options: OnnxRuntimeOptions): Promise<EncoderRunner> {
  if (options.parallelism === 'sequences')
    return SequenceParallelSession.create(bytes, { workers: options.threads, graphOptimization: options.graphOptimization });
  return OnnxEncoderSession.create(bytes, options);
}

function sha256(...parts: (string | Uint8Array)[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
}

/**
 * A cached export whose bytes match the digest beside it; undefined when either is missing, a
 * symbolic link (never read through: the export is made again and the link replaced) or they differ.
 * A FIFO, device or folder there is the layer's typed error, at once.
 */
async function readVerified(file: string): Promise<Uint8Array | undefined> {
  const digestFile = `${file}${DIGEST_SUFFIX}`;
  const kinds = [pathKind(file), pathKind(digestFile)];
  if (kinds.some((kind) => kind === 'missing' || kind === 'link')) return undefined;
  const bytes = await readBytes(file, { what: 'cached ONNX export', maxBytes: FILE_LIMITS.onnx });
  const digest = await readText(digestFile, { what: 'cached ONNX export digest', maxBytes: FILE_LIMITS.json });
  return sha256(bytes) === digest.trim() ? bytes : undefined;
}

/** Writes the export and then its digest (a crash between them leaves an export the next load redoes); false when the folder cannot be written. */
async function writeCached(dir: string, file: string, bytes: Uint8Array, warn: (message: string) => void): Promise<boolean> {
  const onLink = (path: string) => warn(`${path} was a symbolic link; replaced by the cached export, its target left untouched`);
  try {
    await ensureFolder(join(dir, ONNX_CACHE_DIR), { what: 'ONNX export cache folder' });
    await writeFileAtomic(file, bytes, { onLink });
    await writeFileAtomic(`${file}${DIGEST_SUFFIX}`, sha256(bytes), { onLink });
    return true;
  } catch {
    // A read-only model folder still runs; it is exported again on the next load.
    return false;
  }
}
