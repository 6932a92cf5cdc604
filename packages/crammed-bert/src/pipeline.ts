import { tf, excerpt, setBackend, type BackendChoice } from '@ufbert/tensor';
import type { Tensor2D, Tensor3D } from '@ufbert/tensor';
import { loadModel, type LoadModelOptions } from './checkpoint.js';
import { PipelineError } from './errors.js';
import type { CrammedBertModel } from './model.js';
import { TextTokenizer, type BatchEncoding, type TextInput } from './tokenizer/tokenizer.js';

export interface MaskPrediction {
  token: string;
  id: number;
  /** Softmax probability over the vocabulary. */
  score: number;
  /** The input with this mask filled in (special tokens removed). */
  sequence: string;
}

export interface LabelScore {
  label: string;
  /** Softmax probability, or the raw output of a regression head (num_labels 1). */
  score: number;
}

export interface PipelineOptions {
  /** Names of the classification labels, by index. Default `LABEL_0`, `LABEL_1`, ... (`score` for regression). */
  labels?: readonly string[];
  /** Sequences per forward pass. Default 32. */
  batchSize?: number;
  /**
   * An input longer than the model's window (max_seq_length tokens): `reject` (default)
   * throws a PipelineError naming it; `truncate` cuts it to the window. Either way a
   * fill-mask whose masks fall beyond the window is an error, never a shorter answer.
   */
  overflow?: 'reject' | 'truncate';
}

export interface LoadPipelineOptions extends PipelineOptions, LoadModelOptions {
  /** Selects the tfjs backend before loading. Default: the current one. */
  backend?: BackendChoice;
}

export type Pooling = 'mean' | 'first';

function textOf(input: TextInput): string {
  return typeof input === 'string' ? input : input.join(' || ');
}

/** Throws a PipelineError when a model output holds NaN or infinity: corrupt weights, never a score. */
function assertFinite(values: Float32Array, batch: readonly TextInput[]): void {
  const at = values.findIndex((v) => !Number.isFinite(v));
  if (at < 0) return;
  const text = textOf(batch[0]);
  throw new PipelineError(`the model gave ${values[at]} for a batch of ${batch.length} starting "${excerpt(text)}": its weights hold NaN or infinite values (loading warns which)`);
}

/** Spellings of the mask placeholder accepted in fill-mask inputs, whatever the tokenizer calls its mask token. */
const MASK_SPELLINGS = ['[MASK]', '<mask>'];

/**
 * Inference on a model + tokenizer: fill-mask, classification and sentence embeddings,
 * batched with padding masks. Runs the model in eval mode (restoring its mode after).
 */
export class CrammedBertPipeline {
  readonly model: CrammedBertModel;
  readonly tokenizer: TextTokenizer;
  private readonly labels: readonly string[] | undefined;
  private readonly batchSize: number;
  private readonly overflow: 'reject' | 'truncate';

  constructor(model: CrammedBertModel, tokenizer: TextTokenizer, options: PipelineOptions = {}) {
    if (tokenizer.vocabSize > model.config.embedding.vocab_size) {
      throw new PipelineError(`the tokenizer has ${tokenizer.vocabSize} tokens but the model's vocabulary holds ${model.config.embedding.vocab_size}`);
    }
    const batchSize = options.batchSize ?? 32;
    if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new PipelineError(`batchSize must be a positive integer, got ${batchSize}`);
    const overflow = options.overflow ?? 'reject';
    if (overflow !== 'reject' && overflow !== 'truncate') throw new PipelineError(`overflow must be 'reject' or 'truncate', got ${excerpt(String(overflow))}`);
    this.overflow = overflow;
    this.model = model;
    this.tokenizer = tokenizer;
    this.labels = options.labels;
    this.batchSize = batchSize;
  }

  /** A folder with model.safetensors, model_config.json and tokenizer.json (tokenizer_config.json optional). */
  static async load(dir: string, options: LoadPipelineOptions = {}): Promise<CrammedBertPipeline> {
    if (options.backend) await setBackend(options.backend);
    const tokenizer = await TextTokenizer.load(dir);
    const model = await loadModel(dir, options);
    try {
      return new CrammedBertPipeline(model, tokenizer, options);
    } catch (error) {
      model.dispose();
      throw error;
    }
  }

  /** Top-k candidates for each mask of the text (`[MASK]` or the tokenizer's own mask token), in order. */
  async fillMask(text: string, options: { topK?: number } = {}): Promise<MaskPrediction[][]> {
    return (await this.fillMaskBatch([text], options))[0];
  }

  async fillMaskBatch(texts: readonly string[], options: { topK?: number } = {}): Promise<MaskPrediction[][][]> {
    if (this.model.isClassifier) throw new PipelineError('fill-mask needs a masked-language model; this one has a classification head');
    const mask = this.tokenizer.specialTokens.mask;
    if (!mask) throw new PipelineError('the tokenizer has no mask token');
    const topK = options.topK ?? 5;
    if (!Number.isSafeInteger(topK) || topK < 1) throw new PipelineError(`topK must be a positive integer, got ${topK}`);
    const prepared = texts.map((text) => MASK_SPELLINGS.reduce((t, spelling) => t.split(spelling).join(mask.token), text));
    return this.batched(prepared, async (batch, encoded) => {
      const positions = encoded.inputIds.map((ids, i) => {
        const found = ids.flatMap((id, s) => (id === mask.id && encoded.attentionMask[i][s] === 1 ? [s] : []));
        if (found.length === 0) throw new PipelineError(`no ${mask.token} within the first ${encoded.inputIds[i].length} tokens of "${excerpt(batch[i])}"`);
        if (encoded.fullLengths[i] > encoded.lengths[i]) {
          const asked = this.tokenizer.encode(batch[i]).ids.filter((id) => id === mask.id).length;
          if (asked > found.length) throw new PipelineError(`${asked - found.length} of ${asked} ${mask.token} in "${excerpt(batch[i])}" lie beyond the model's window of ${this.model.config.embedding.max_seq_length} tokens`);
        }
        return found;
      });
      const width = encoded.inputIds[0].length;
      const rows = positions.flatMap((list, i) => list.map((s) => i * width + s));
      const [values, indices] = this.withEval(() =>
        tf.tidy(() => {
          const hidden = this.run(encoded, (ids, attention) => this.model.hiddenStates(ids, attention));
          const selected = tf.gather(tf.reshape(hidden, [-1, this.model.config.hidden_size]), tf.tensor1d(rows, 'int32')) as Tensor2D;
          const probs = tf.softmax(this.model.decode(selected));
          const { values, indices } = tf.topk(probs, Math.min(topK, probs.shape[1]));
          return [values, indices];
        }),
      );
      const scores = (await values.data()) as Float32Array;
      const ids = (await indices.data()) as Int32Array;
      tf.dispose([values, indices]);
      assertFinite(scores, batch);
      const k = values.shape[1] as number;
      let row = 0;
      return positions.map((list, i) =>
        list.map((s) => {
          const out: MaskPrediction[] = [];
          for (let j = 0; j < k; j++) {
            const id = ids[row * k + j];
            const filled = encoded.inputIds[i].slice(0, encoded.lengths[i]);
            filled[s] = id;
            out.push({ token: this.tokenizer.idToToken(id) ?? '', id, score: scores[row * k + j], sequence: this.tokenizer.decode(filled, { skipSpecialTokens: true }) });
          }
          row++;
          return out;
        }),
      );
    });
  }

  /** Label scores of one text or text pair, best first. */
  async classify(input: TextInput): Promise<LabelScore[]> {
    return (await this.classifyBatch([input]))[0];
  }

  async classifyBatch(inputs: readonly TextInput[]): Promise<LabelScore[][]> {
    if (!this.model.isClassifier) throw new PipelineError('classify needs a classification head; this model is a masked-language model (num_labels is null)');
    const numLabels = this.model.config.num_labels as number;
    if (this.labels && this.labels.length !== numLabels) throw new PipelineError(`${this.labels.length} label names given for a head of ${numLabels} labels`);
    return this.batched(inputs, async (_batch, encoded) => {
      const scores = this.withEval(() =>
        tf.tidy(() => {
          const logits = this.run(encoded, (ids, attention) => this.model.classificationLogits(ids, attention));
          return numLabels === 1 ? logits : tf.softmax(logits);
        }),
      );
      const data = (await scores.data()) as Float32Array;
      scores.dispose();
      assertFinite(data, _batch);
      return encoded.inputIds.map((_, i) => {
        const row = Array.from(data.subarray(i * numLabels, (i + 1) * numLabels), (score, j) => ({
          label: this.labels?.[j] ?? (numLabels === 1 ? 'score' : `LABEL_${j}`),
          score,
        }));
        return row.sort((a, b) => b.score - a.score);
      });
    });
  }

  /**
   * A sentence vector from the final hidden states: `mean` over the tokens (padding excluded,
   * the default) or the `first` token's state.
   */
  async embed(text: TextInput, options: { pooling?: Pooling } = {}): Promise<Float32Array> {
    return (await this.embedBatch([text], options))[0];
  }

  async embedBatch(inputs: readonly TextInput[], options: { pooling?: Pooling } = {}): Promise<Float32Array[]> {
    const pooling = options.pooling ?? 'mean';
    const hiddenSize = this.model.config.hidden_size;
    return this.batched(inputs, async (_batch, encoded) => {
      const pooled = this.withEval(() =>
        tf.tidy(() => {
          const hidden = this.run(encoded, (ids, attention) => this.model.hiddenStates(ids, attention));
          if (pooling === 'first') return tf.squeeze(tf.slice(hidden, [0, 0, 0], [-1, 1, -1]), [1]);
          const weights = tf.expandDims(tf.tensor2d(encoded.attentionMask, undefined, 'float32'), 2);
          return tf.div(tf.sum(tf.mul(hidden, weights), 1), tf.sum(weights, 1));
        }),
      );
      const data = (await pooled.data()) as Float32Array;
      pooled.dispose();
      assertFinite(data, _batch);
      return encoded.inputIds.map((_, i) => data.slice(i * hiddenSize, (i + 1) * hiddenSize));
    });
  }

  /** Frees the model. */
  dispose(): void {
    this.model.dispose();
  }

  // -------------------------------------------------------------------------

  private async batched<I, O>(inputs: readonly I[], run: (batch: readonly I[], encoded: BatchEncoding) => Promise<O[]>): Promise<O[]> {
    const out: O[] = [];
    for (let start = 0; start < inputs.length; start += this.batchSize) {
      const batch = inputs.slice(start, start + this.batchSize);
      const window = this.model.config.embedding.max_seq_length;
      const encoded = this.tokenizer.encodeBatch(batch as readonly TextInput[], { maxLength: window });
      if (encoded.lengths.some((n) => n === 0)) throw new PipelineError('an input encodes to no tokens');
      const long = encoded.fullLengths.findIndex((n, i) => n > encoded.lengths[i]);
      if (long >= 0 && this.overflow === 'reject') {
        throw new PipelineError(
          `input ${start + long + 1} ("${excerpt(textOf(batch[long] as TextInput))}") is ${encoded.fullLengths[long]} tokens, more than the model's window of ${window}; shorten it, or pass overflow: 'truncate' to cut it`,
        );
      }
      out.push(...(await run(batch, encoded)));
    }
    return out;
  }

  private run<T extends Tensor2D | Tensor3D>(encoded: BatchEncoding, forward: (ids: Tensor2D, attention: Tensor2D) => T): T {
    const ids = tf.tensor2d(encoded.inputIds, undefined, 'int32');
    const attention = tf.tensor2d(encoded.attentionMask, undefined, 'int32');
    return forward(ids, attention);
  }

  private withEval<T>(body: () => T): T {
    const wasTraining = this.model.training;
    this.model.eval();
    try {
      return body();
    } finally {
      if (wasTraining) this.model.train();
    }
  }
}
