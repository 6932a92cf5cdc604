import { tf, activeBackend, describeBackend, setBackend, type Device } from '@ufbert/tensor';
import type { Tensor2D } from '@ufbert/tensor';
import type { CrammedBertConfig } from './config.js';
import type { CrammedBertModel } from './model.js';
import { checkTokenBatch } from './token-batch-check.js';

/** Token ids and padding mask of a batch, rows of equal length. */
export interface TokenBatch {
  inputIds: readonly (readonly number[])[];
  attentionMask: readonly (readonly number[])[];
}

/**
 * What the pipelines need from a model, whatever runs it: tfjs with our kernels
 * (`TfjsRuntime`) or onnxruntime with an exported graph (`@ufbert/onnx`). Outputs are
 * row-major float arrays, so a pipeline holds no tensors of any runtime.
 */
export interface InferenceRuntime {
  readonly config: CrammedBertConfig;
  /** Which runtime, backend and threads run the model, for logs and the CLI. */
  readonly description: string;
  /** Final hidden states [B, S, H]. */
  hiddenStates(batch: TokenBatch): Promise<Float32Array>;
  /** MLM logits [R, vocab] at the flat positions (b * S + s) given. */
  maskedLogits(batch: TokenBatch, positions: readonly number[]): Promise<Float32Array>;
  /** Classification (or regression) logits [B, num_labels]. */
  classificationLogits(batch: TokenBatch): Promise<Float32Array>;
  /** Frees the model; idempotent (a second call does nothing), and a call after it is a typed error. */
  dispose(): Promise<void> | void;
}

/**
 * A CrammedBertModel run by tfjs in eval mode (its mode restored after): on the active
 * device, or bound to `device`. tfjs has one active backend per process, so a bound runtime
 * selects its device before each call, and models on different devices run side by side.
 */
export class TfjsRuntime implements InferenceRuntime {
  readonly model: CrammedBertModel;
  /** The device each call runs on; undefined: whichever is active. */
  readonly device: Device | undefined;

  constructor(model: CrammedBertModel, options: { device?: Device } = {}) {
    this.model = model;
    this.device = options.device;
  }

  get config(): CrammedBertConfig {
    return this.model.config;
  }

  get description(): string {
    return `tfjs (${describeBackend()}; ${this.model.describeKernel()})`;
  }

  hiddenStates(batch: TokenBatch): Promise<Float32Array> {
    return this.read(batch, (ids, mask) => this.model.hiddenStates(ids, mask));
  }

  async maskedLogits(batch: TokenBatch, positions: readonly number[]): Promise<Float32Array> {
    checkTokenBatch(batch, this.config, positions);
    return this.read(batch, (ids, mask) => {
      const hidden = tf.reshape(this.model.hiddenStates(ids, mask), [-1, this.config.hidden_size]) as Tensor2D;
      return this.model.decode(tf.gather(hidden, tf.tensor1d(Int32Array.from(positions), 'int32')) as Tensor2D);
    });
  }

  classificationLogits(batch: TokenBatch): Promise<Float32Array> {
    return this.read(batch, (ids, mask) => this.model.classificationLogits(ids, mask));
  }

  dispose(): void {
    this.model.dispose();
  }

  private async read(batch: TokenBatch, forward: (ids: Tensor2D, mask: Tensor2D) => tf.Tensor): Promise<Float32Array> {
    checkTokenBatch(batch, this.config);
    if (this.device !== undefined && activeBackend() !== this.device) await setBackend(this.device);
    const wasTraining = this.model.training;
    this.model.eval();
    let out: tf.Tensor;
    try {
      out = tf.tidy(() =>
        forward(tf.tensor2d(batch.inputIds as number[][], undefined, 'int32'), tf.tensor2d(batch.attentionMask as number[][], undefined, 'int32')),
      );
    } finally {
      if (wasTraining) this.model.train();
    }
    try {
      return (await out.data()) as Float32Array;
    } finally {
      out.dispose();
    }
  }
}
