import type { BatchEncoding, InferenceRuntime, TextInput, TextTokenizer } from '@ufbert/crammed-bert';
import type { Dtype } from '@ufbert/onnx/dtype';
import { Callable } from './callable.js';
import { PipelineError } from './errors.js';
import { excerpt, hasOwnEntry } from '@ufbert/tensor';
import { describeValue } from './describe-value.js';
import { checkOptions, type OptionTable } from './options-check.js';
import type { Pooling } from './tasks/pooling.js';

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
  /** The pipeline's defaults for its calls' options (`pipeline(task, model, { top_k: 3 })`); a call's own options win. */
  defaults: CallDefaults;
}

/** Call options a pipeline can also take once, for every call: each task uses those of its calls. */
export interface CallDefaults {
  /** Cut inputs longer than the window to it (default true, as transformers.js's pipelines) or refuse them (false). */
  truncation?: boolean;
  /** fill-mask and text-classification: results per mask or input. */
  top_k?: number | null;
  /** feature-extraction: how token vectors are pooled. */
  pooling?: Pooling;
  /** feature-extraction: scale to unit length. */
  normalize?: boolean;
}

/**
 * A pipeline over a text model: a function (`await pipe(texts, options)`) holding the model,
 * its tokenizer and the batching every task shares. Inputs longer than the model's window
 * are cut to it, keeping the closing special token, as transformers.js's pipelines do
 * (`truncation: true`); with `truncation: false` they are refused.
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
  private readonly defaults: CallDefaults;

  constructor(parts: TextPipelineParts) {
    super();
    if (parts.tokenizer.vocabSize > parts.runtime.config.embedding.vocab_size) {
      throw new PipelineError(
        `the tokenizer has ${parts.tokenizer.vocabSize} tokens but the model's vocabulary holds ${parts.runtime.config.embedding.vocab_size}`,
      );
    }
    if (!Number.isSafeInteger(parts.batchSize) || parts.batchSize < 1) throw new PipelineError(`batch_size must be a positive integer, got ${parts.batchSize}`);
    this.task = parts.task;
    this.model = parts.runtime;
    this.dtype = parts.dtype;
    this.tokenizer = parts.tokenizer;
    this.id2label = parts.id2label;
    checkTruncation(parts.defaults.truncation);
    this.batchSize = parts.batchSize;
    this.defaults = parts.defaults;
  }

  /** Frees the runtime (and the model it runs); a second call does nothing, a call to the pipeline after it is a typed error. */
  async dispose(): Promise<void> {
    await this.model.dispose();
  }

  /**
   * A call's options over the pipeline's defaults, after checking that they are an object
   * of this task's options only (`topk` for `top_k` is an error, not 5 results).
   */
  protected options<O extends CallDefaults>(options: unknown, accepted: OptionTable<O>): O {
    checkOptions<O>(options, accepted, `options of a ${this.task} call`);
    const defaults = Object.fromEntries(Object.entries(this.defaults).filter(([key, value]) => value !== undefined && hasOwnEntry(accepted, key)));
    return { ...defaults, ...options } as O;
  }

  /** `texts` as a list: a string is a list of one; anything else a PipelineError saying what was expected. */
  protected textList(texts: unknown): string[] {
    if (typeof texts === 'string') return [texts];
    if (Array.isArray(texts)) {
      const bad = texts.findIndex((text) => typeof text !== 'string');
      if (bad === -1) return texts as string[];
      throw new PipelineError(`expected ${this.task} inputs as strings, got ${describeValue(texts[bad])} at index ${bad}`);
    }
    throw new PipelineError(`expected a text or an array of texts for ${this.task}, got ${describeValue(texts)}`);
  }

  /** Runs `run` on padded batches of at most `batchSize` inputs and concatenates what it returns. */
  protected async batched<I extends TextInput, O>(
    inputs: readonly I[],
    truncation: boolean | undefined,
    run: (batch: readonly I[], encoded: BatchEncoding) => Promise<O[]>,
  ): Promise<O[]> {
    checkTruncation(truncation);
    if (inputs.length === 0) throw new PipelineError('expected at least one input text, got an empty array');
    const out: O[] = [];
    for (let start = 0; start < inputs.length; start += this.batchSize) {
      const batch = inputs.slice(start, start + this.batchSize);
      const window = this.model.config.embedding.max_seq_length;
      const encoded = this.tokenizer.encodeBatch(batch, { maxLength: window });
      if (encoded.lengths.some((n) => n === 0)) throw new PipelineError('an input encodes to no tokens');
      const long = encoded.fullLengths.findIndex((n, i) => n > encoded.lengths[i]);
      if (long >= 0 && truncation === false) {
        const input = batch[long] as TextInput;
        throw new PipelineError(
          `input ${start + long + 1} ("${excerpt(typeof input === 'string' ? input : input.join(' || '))}") is ${encoded.fullLengths[long]} tokens, more than the model's window of ${window}; shorten it, or leave truncation at its default (true) to cut it`,
        );
      }
      out.push(...(await run(batch, encoded)));
    }
    return out;
  }
}

function checkTruncation(truncation: unknown): void {
  if (truncation !== undefined && typeof truncation !== 'boolean')
    throw new PipelineError(`truncation must be true or false, got ${describeValue(truncation)}`);
}
