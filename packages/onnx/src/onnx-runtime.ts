import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CONFIG_FILE, MODEL_FILE, loadConfig, loadModel, type CrammedBertConfig, type CrammedBertModel } from '@ufbert/crammed-bert';
import { onnxModelBytes, writeAtomically } from './export.js';
import { defaultDenseLevels } from './conditional-feedforward-graph.js';
import { EncoderSessionRuntime, runtimeHead } from './encoder-session-runtime.js';
import { OnnxEncoderSession } from './session.js';
import type { EncoderRunner, GraphOptimization, OnnxSessionOptions, Parallelism } from './encoder-session.js';
import { MAX_WORKERS, SequenceParallelSession } from './sequence-parallel-session.js';
import { OnnxRuntimeError } from './errors.js';
import { parseDtype, type Dtype } from './dtype.js';

/** Bumped whenever the exported graph changes, so cached exports of older graphs are not reused. */
const GRAPH_VERSION = 1;
/** Folder beside a checkpoint that holds its cached exports. */
export const ONNX_CACHE_DIR = 'onnx-cache';
/** The Hugging Face config a folder may hold instead of model_config.json (loadConfig reads either). */
const HF_CONFIG_FILE = 'config.json';

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
   * A checkpoint folder (model.safetensors + model_config.json), exported once and cached in
   * `<dir>/onnx-cache/` under the SHA-256 of the checkpoint, its config and the export
   * options, beside a digest of the export itself: a later load with the same files reuses
   * the export after checking it against that digest, and exports again when it does not
   * match or does not load. A folder that cannot be written is exported in memory instead.
   */
  static async fromCheckpoint(dir: string, options: OnnxRuntimeOptions = {}): Promise<OnnxInferenceRuntime> {
    // Before the cache: a cached export that fails to open is exported again, which a bad option would only repeat.
    checkRuntimeOptions(options);
    const config = await loadConfig(dir);
    const head = runtimeHead(config);
    const dtype = options.dtype ?? 'fp32';
    const fffDenseLevels = config.intermed_type === 'fff' ? (options.fffDenseLevels ?? defaultDenseLevels(config.intermed_depth)) : undefined;
    const cache = options.cache !== false;
    const cached = cache ? join(dir, ONNX_CACHE_DIR, `model-${(await checkpointKey(dir, { graph: GRAPH_VERSION, head, fffDenseLevels, dtype })).slice(0, 20)}.onnx`) : '';
    if (cache) {
      const bytes = await readVerified(cached);
      if (bytes) {
        const session = await openRunner(bytes, options).catch(() => undefined);
        if (session) return new OnnxInferenceRuntime(config, session, cached, dtype);
      }
    }
    const model = await loadModel(dir, { warn: options.warn });
    let bytes: Uint8Array;
    try {
      bytes = await onnxModelBytes(model.eval(), { head, fffDenseLevels, dtype });
    } finally {
      model.dispose();
    }
    let source = 'memory';
    if (cache) {
      try {
        await mkdir(join(dir, ONNX_CACHE_DIR), { recursive: true });
        await writeAtomically(cached, bytes);
        // The digest goes last: a crash before it leaves an export that the next load redoes.
        await writeAtomically(`${cached}${DIGEST_SUFFIX}`, new TextEncoder().encode(sha256(bytes)));
        source = cached;
      } catch {
        // A read-only model folder still runs; it is exported again on the next load.
      }
    }
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
    throw new OnnxRuntimeError(`threads must be an integer in [1, ${most}]${parallelism === 'sequences' ? ' (one worker each)' : ''}, got ${String(threads).slice(0, 20)}`);
  }
  if (parallelism !== undefined && !PARALLELISMS.includes(parallelism)) throw new OnnxRuntimeError(`expected parallelism 'intra-op' or 'sequences', got ${String(parallelism).slice(0, 40)}`);
  if (graphOptimization !== undefined && !OPTIMIZATIONS.includes(graphOptimization)) throw new OnnxRuntimeError(`expected graphOptimization one of ${OPTIMIZATIONS.join(', ')}, got ${String(graphOptimization).slice(0, 40)}`);
}

function openRunner(bytes: Uint8Array, options: OnnxRuntimeOptions): Promise<EncoderRunner> {
  if (options.parallelism === 'sequences') return SequenceParallelSession.create(bytes, { workers: options.threads, graphOptimization: options.graphOptimization });
  return OnnxEncoderSession.create(bytes, options);
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A cached export whose bytes match the digest beside it; undefined when either is missing or they differ. */
async function readVerified(file: string): Promise<Uint8Array | undefined> {
  const [bytes, digest] = await Promise.all([readFile(file).catch(() => undefined), readFile(`${file}${DIGEST_SUFFIX}`, 'utf8').catch(() => undefined)]);
  if (!bytes || !digest || sha256(bytes) !== digest.trim()) return undefined;
  return bytes;
}

/** SHA-256 over the checkpoint's bytes, its config's bytes and the export settings. */
async function checkpointKey(dir: string, settings: object): Promise<string> {
  const hash = createHash('sha256');
  hash.update(JSON.stringify(settings));
  for (const name of [CONFIG_FILE, HF_CONFIG_FILE]) hash.update(await readFile(join(dir, name)).catch(() => Buffer.alloc(0)));
  await new Promise<void>((resolve, reject) => {
    createReadStream(join(dir, MODEL_FILE))
      .on('data', (chunk) => hash.update(chunk))
      .on('error', (error) => reject(new OnnxRuntimeError(`cannot read ${join(dir, MODEL_FILE)}: ${error.message}`)))
      .on('end', () => resolve());
  });
  return hash.digest('hex');
}
