import { checkTokenBatch, type CrammedBertConfig, type InferenceRuntime, type TokenBatch } from '@ufbert/crammed-bert';
import type { GraphHead } from './crammed-bert-graph.js';
import type { EncoderRunner } from './encoder-session.js';
import { OnnxRuntimeError } from './errors.js';
import type { Dtype } from './dtype.js';

/** The head a runtime exports: an MLM model decodes only the positions asked for; a classifier keeps its whole head. */
export function runtimeHead(config: CrammedBertConfig): GraphHead {
  return config.num_labels === null ? 'selected' : 'all';
}

/**
 * An `InferenceRuntime` over an onnxruntime session (onnxruntime-node or onnxruntime-web)
 * of a model exported with `runtimeHead(config)`: what the pipelines call.
 */
export class EncoderSessionRuntime implements InferenceRuntime {
  readonly config: CrammedBertConfig;
  readonly session: EncoderRunner;
  private readonly name: string;
  private released: Promise<void> | undefined;
  /** The graph's dtype, where the runtime exported it (and so knows it). */
  readonly dtype?: Dtype;

  constructor(config: CrammedBertConfig, session: EncoderRunner, name: string, dtype?: Dtype) {
    if (config.num_labels !== null && (!session.hasLogits || session.selectsPositions)) {
      throw new OnnxRuntimeError(
        `expected a classifier's graph with its head (exported with head 'all'), got one ${session.hasLogits ? 'that decodes MLM positions' : 'without logits'}`,
      );
    }
    this.config = config;
    this.session = session;
    this.name = name;
    this.dtype = dtype;
  }

  get description(): string {
    const { threads, parallelism, graphOptimization } = this.session;
    const how =
      parallelism === 'sequences'
        ? `${threads} worker${threads === 1 ? '' : 's'} x 1 thread, sequence-parallel`
        : `${threads} thread${threads === 1 ? '' : 's'}`;
    return `${this.name} (${how}, graph optimisation ${graphOptimization}${this.dtype ? `, ${this.dtype}` : ''})`;
  }

  async hiddenStates(batch: TokenBatch): Promise<Float32Array> {
    this.checkBatch(batch);
    // A graph that decodes selected positions needs at least one; the first costs one row of the decoder.
    return (await this.session.run(batch, this.session.selectsPositions ? [0] : undefined)).hiddenStates;
  }

  async maskedLogits(batch: TokenBatch, positions: readonly number[]): Promise<Float32Array> {
    this.checkBatch(batch, positions);
    if (this.config.num_labels !== null) throw new OnnxRuntimeError('this model is a classifier: it has no MLM decoder');
    if (this.session.selectsPositions) return (await this.session.run(batch, positions)).logits!;
    if (!this.session.hasLogits)
      throw new OnnxRuntimeError("this graph was exported without a head (head 'none'): export with head 'selected' (or 'all') to decode masks");
    // A graph with every position's logits (transformers.js's layout): keep the rows asked for.
    const logits = (await this.session.run(batch)).logits!;
    const vocab = this.config.embedding.vocab_size;
    const rows = new Float32Array(positions.length * vocab);
    positions.forEach((p, i) => rows.set(logits.subarray(p * vocab, (p + 1) * vocab), i * vocab));
    return rows;
  }

  async classificationLogits(batch: TokenBatch): Promise<Float32Array> {
    this.checkBatch(batch);
    if (this.config.num_labels === null) throw new OnnxRuntimeError('this model has no classification head');
    return (await this.session.run(batch)).logits!;
  }

  /** Ids, mask and window checked as every runtime checks them (a Gather would wrap a negative id), before onnxruntime sees them. */
  private checkBatch(batch: TokenBatch, positions?: readonly number[]): void {
    if (this.released) throw new OnnxRuntimeError(`this ${this.name} runtime was disposed`);
    checkTokenBatch(batch, this.config, positions);
  }

  /** Releases the session once: a second call waits for the first (onnxruntime throws on a second release). */
  dispose(): Promise<void> {
    this.released ??= this.session.release();
    return this.released;
  }
}
