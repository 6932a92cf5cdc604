import type { CrammedBertConfig, InferenceRuntime, TokenBatch } from '@ufbert/crammed-bert';
import type { GraphHead } from './crammed-bert-graph.js';
import type { EncoderSession } from './encoder-session.js';
import { OnnxRuntimeError } from './errors.js';

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
  readonly session: EncoderSession;
  private readonly name: string;

  constructor(config: CrammedBertConfig, session: EncoderSession, name: string) {
    this.config = config;
    this.session = session;
    this.name = name;
  }

  get description(): string {
    return `${this.name} (${this.session.threads} thread${this.session.threads === 1 ? '' : 's'}, graph optimisation ${this.session.graphOptimization})`;
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
