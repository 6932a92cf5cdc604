import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CONFIG_FILE, MODEL_FILE, loadConfig, loadModel, type CrammedBertConfig, type CrammedBertModel, type InferenceRuntime, type TokenBatch } from '@ufbert/crammed-bert';
import { onnxModelBytes, writeAtomically } from './export.js';
import { defaultDenseLevels } from './conditional-feedforward-graph.js';
import type { GraphHead } from './crammed-bert-graph.js';
import { OnnxEncoderSession } from './session.js';
import type { OnnxSessionOptions } from './encoder-session.js';
import { OnnxRuntimeError } from './errors.js';

/** Bumped whenever the exported graph changes, so cached exports of older graphs are not reused. */
const GRAPH_VERSION = 1;
/** Folder beside a checkpoint that holds its cached exports. */
export const ONNX_CACHE_DIR = 'onnx-cache';
/** The Hugging Face config a folder may hold instead of model_config.json (loadConfig reads either). */
const HF_CONFIG_FILE = 'config.json';

export interface OnnxRuntimeOptions extends OnnxSessionOptions {
  /** Top FFF levels computed densely (see `defaultDenseLevels`). */
  fffDenseLevels?: number;
  /** Cache the export beside the checkpoint (default true); false exports in memory on every load. */
  cache?: boolean;
}

/**
 * An `InferenceRuntime` on onnxruntime-node: the model exported with its conditional FFF.
 * An MLM model is exported with `head: 'selected'`, so fill-mask decodes only the masked
 * positions; a classifier with its whole head.
 */
export class OnnxInferenceRuntime implements InferenceRuntime {
  readonly config: CrammedBertConfig;
  readonly session: OnnxEncoderSession;
  /** Where the export was read from: a cached file, or `memory`. */
  readonly source: string;

  private constructor(config: CrammedBertConfig, session: OnnxEncoderSession, source: string) {
    this.config = config;
    this.session = session;
    this.source = source;
  }

  get description(): string {
    return `onnxruntime-node (${this.session.threads} thread${this.session.threads === 1 ? '' : 's'}, graph optimisation ${this.session.graphOptimization})`;
  }

  /** Exports `model` (in memory) and opens it. The model is not kept: dispose it when done. */
  static async fromModel(model: CrammedBertModel, options: OnnxRuntimeOptions = {}): Promise<OnnxInferenceRuntime> {
    const bytes = await onnxModelBytes(model, { head: headFor(model.config), fffDenseLevels: options.fffDenseLevels });
    return new OnnxInferenceRuntime(model.config, await OnnxEncoderSession.create(bytes, options), 'memory');
  }

  /**
   * A checkpoint folder (model.safetensors + model_config.json), exported once and cached in
   * `<dir>/onnx-cache/` under the SHA-256 of the checkpoint, its config and the export
   * options; a later load with the same files reuses the file. A folder that cannot be
   * written is exported in memory instead.
   */
  static async fromCheckpoint(dir: string, options: OnnxRuntimeOptions = {}): Promise<OnnxInferenceRuntime> {
    const config = await loadConfig(dir);
    const head = headFor(config);
    const levels = config.intermed_type === 'fff' ? (options.fffDenseLevels ?? defaultDenseLevels(config.intermed_depth)) : 0;
    const key = await checkpointKey(dir, { graph: GRAPH_VERSION, head, levels });
    const cached = join(dir, ONNX_CACHE_DIR, `model-${key.slice(0, 20)}.onnx`);
    if (options.cache !== false && (await stat(cached).catch(() => undefined))?.isFile()) {
      return new OnnxInferenceRuntime(config, await OnnxEncoderSession.create(cached, options), cached);
    }
    const model = await loadModel(dir);
    let bytes: Uint8Array;
    try {
      bytes = await onnxModelBytes(model.eval(), { head, fffDenseLevels: options.fffDenseLevels });
    } finally {
      model.dispose();
    }
    let source = 'memory';
    if (options.cache !== false) {
      try {
        await mkdir(join(dir, ONNX_CACHE_DIR), { recursive: true });
        await writeAtomically(cached, bytes);
        source = cached;
      } catch {
        // A read-only model folder still runs; it is exported again on the next load.
      }
    }
    return new OnnxInferenceRuntime(config, await OnnxEncoderSession.create(bytes, options), source);
  }

  async hiddenStates(batch: TokenBatch): Promise<Float32Array> {
    // A graph that decodes selected positions needs at least one; the first costs one row of the decoder.
    return (await this.session.run(batch, this.session.selectsPositions ? [0] : undefined)).hiddenStates;
  }

  async maskedLogits(batch: TokenBatch, positions: readonly number[]): Promise<Float32Array> {
    if (!this.session.selectsPositions) throw new OnnxRuntimeError('this model has no MLM decoder (it was exported as a classifier)');
    const out = await this.session.run(batch, positions);
    return out.logits!;
  }

  async classificationLogits(batch: TokenBatch): Promise<Float32Array> {
    if (this.config.num_labels === null) throw new OnnxRuntimeError('this model has no classification head');
    const out = await this.session.run(batch);
    return out.logits!;
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}

function headFor(config: CrammedBertConfig): GraphHead {
  return config.num_labels === null ? 'selected' : 'all';
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
