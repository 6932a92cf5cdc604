import type { BatchEncoding, InferenceRuntime, TextInput, TextTokenizer } from '@ufbert/crammed-bert';
import type { Dtype } from '@ufbert/onnx/dtype';
import { Callable } from './callable.js';
import { PipelineError } from './errors.js';
import { excerpt } from '@ufbert/tensor';

/** What every task's pipeline is built from. */
export interface TextPipelineParts {
  task: string;
  runtime: InferenceRuntime;
  /** The weights' precision the runtime runs. */
  dtype: Dtype;
  tokenizer: TextTokenizer;
  /** Label names by index (classification). */
  id2label: readonly string[] | undefined;
  /** Sequences per forward pass. */
  batchSize: number;
  /** Cut inputs longer than the window to it (true) or refuse them (false). */
  truncation: boolean;
}

/**
 * A pipeline over a text model: a function (`await pipe(texts, options)`) holding the model,
 * its tokenizer and the batching every task shares. Inputs longer than the model's window
 * are refused, or with `truncation: true` cut to it, keeping the closing special token, as
 * transformers.js's `truncation: true` does.
 */
export abstract class TextPipeline<A extends unknown[], R> extends Callable<A, Promise<R>> {
  readonly task: string;
  /** The runtime that runs the model (`model.description` says which). */
  readonly model: InferenceRuntime;
  /** The weights' precision the model runs in: `fp32`, or `q8` (int8 weights, onnxruntime). */
  readonly dtype: Dtype;
  readonly tokenizer: TextTokenizer;
  protected readonly id2label: readonly string[] | undefined;
  private readonly batchSize: number;
  private readonly truncation: boolean;

  constructor(parts: TextPipelineParts) {
    super();
    if (parts.tokenizer.vocabSize > parts.runtime.config.embedding.vocab_size) {
      throw new PipelineError(`the tokenizer has ${parts.tokenizer.vocabSize} tokens but the model's vocabulary holds ${parts.runtime.config.embedding.vocab_size}`);
    }
    if (!Number.isSafeInteger(parts.batchSize) || parts.batchSize < 1) throw new PipelineError(`batch_size must be a positive integer, got ${parts.batchSize}`);
    this.task = parts.task;
    this.model = parts.runtime;
    this.dtype = parts.dtype;
    this.tokenizer = parts.tokenizer;
    this.id2label = parts.id2label;
    this.batchSize = parts.batchSize;
    this.truncation = parts.truncation;
  }

  /** Frees the runtime (and the model it runs). */
  async dispose(): Promise<void> {
    await this.model.dispose();
  }

  /** Runs `run` on padded batches of at most `batchSize` inputs and concatenates what it returns. */
  protected async batched<I extends TextInput, O>(inputs: readonly I[], run: (batch: readonly I[], encoded: BatchEncoding) => Promise<O[]>): Promise<O[]> {
    if (inputs.length === 0) throw new PipelineError('expected at least one input text, got an empty array');
    const out: O[] = [];
    for (let start = 0; start < inputs.length; start += this.batchSize) {
      const batch = inputs.slice(start, start + this.batchSize);
      const window = this.model.config.embedding.max_seq_length;
      const encoded = this.tokenizer.encodeBatch(batch, { maxLength: window });
      if (encoded.lengths.some((n) => n === 0)) throw new PipelineError('an input encodes to no tokens');
      const long = encoded.fullLengths.findIndex((n, i) => n > encoded.lengths[i]);
      if (long >= 0 && !this.truncation) {
        const input = batch[long] as TextInput;
        throw new PipelineError(
          `input ${start + long + 1} ("${excerpt(typeof input === 'string' ? input : input.join(' || '))}") is ${encoded.fullLengths[long]} tokens, more than the model's window of ${window}; shorten it, or pass truncation: true to cut it`,
        );
      }
      out.push(...(await run(batch, encoded)));
    }
    return out;
  }
}
