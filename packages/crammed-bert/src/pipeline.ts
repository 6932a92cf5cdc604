import { excerpt, setBackend, type BackendChoice } from '@ufbert/tensor';
import { loadModel, type LoadModelOptions } from './checkpoint.js';
import { PipelineError } from './errors.js';
import { CrammedBertModel } from './model.js';
import { TfjsRuntime, type InferenceRuntime } from './inference-runtime.js';
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

/** Spellings of the mask placeholder accepted in fill-mask inputs, whatever the tokenizer calls its mask token. */
const MASK_SPELLINGS = ['[MASK]', '<mask>'];

/**
 * Inference on a model + tokenizer: fill-mask, classification and sentence embeddings,
 * batched with padding masks, on any `InferenceRuntime` (tfjs by default; onnxruntime
 * through @ufbert/onnx). Softmax, top-k and pooling run here on plain arrays, so every
 * runtime gives the same post-processing.
 */
export class CrammedBertPipeline {
  readonly runtime: InferenceRuntime;
  readonly tokenizer: TextTokenizer;
  private readonly labels: readonly string[] | undefined;
  private readonly batchSize: number;
  private readonly overflow: 'reject' | 'truncate';

  /** A runtime, or a tfjs model (run as `new TfjsRuntime(model)`). */
  constructor(model: InferenceRuntime | CrammedBertModel, tokenizer: TextTokenizer, options: PipelineOptions = {}) {
    const runtime = model instanceof CrammedBertModel ? new TfjsRuntime(model) : model;
    if (tokenizer.vocabSize > runtime.config.embedding.vocab_size) {
      throw new PipelineError(`the tokenizer has ${tokenizer.vocabSize} tokens but the model's vocabulary holds ${runtime.config.embedding.vocab_size}`);
    }
    const batchSize = options.batchSize ?? 32;
    if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new PipelineError(`batchSize must be a positive integer, got ${batchSize}`);
    const overflow = options.overflow ?? 'reject';
    if (overflow !== 'reject' && overflow !== 'truncate') throw new PipelineError(`overflow must be 'reject' or 'truncate', got ${excerpt(String(overflow))}`);
    this.overflow = overflow;
    this.runtime = runtime;
    this.tokenizer = tokenizer;
    this.labels = options.labels;
    this.batchSize = batchSize;
  }

  /** A folder with model.safetensors, model_config.json and tokenizer.json (tokenizer_config.json optional), run by tfjs. */
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

  private get config() {
    return this.runtime.config;
  }

  private get isClassifier(): boolean {
    return this.config.num_labels !== null;
  }

  /** Top-k candidates for each mask of the text (`[MASK]` or the tokenizer's own mask token), in order. */
  async fillMask(text: string, options: { topK?: number } = {}): Promise<MaskPrediction[][]> {
    return (await this.fillMaskBatch([text], options))[0];
  }

  async fillMaskBatch(texts: readonly string[], options: { topK?: number } = {}): Promise<MaskPrediction[][][]> {
    if (this.isClassifier) throw new PipelineError('fill-mask needs a masked-language model; this one has a classification head');
    const mask = this.tokenizer.specialTokens.mask;
    if (!mask) throw new PipelineError('the tokenizer has no mask token');
    const topK = options.topK ?? 5;
    if (!Number.isSafeInteger(topK) || topK < 1) throw new PipelineError(`topK must be a positive integer, got ${topK}`);
    const vocab = this.config.embedding.vocab_size;
    const k = Math.min(topK, vocab);
    const prepared = texts.map((text) => MASK_SPELLINGS.reduce((t, spelling) => t.split(spelling).join(mask.token), text));
    return this.batched(prepared, async (batch, encoded) => {
      const positions = encoded.inputIds.map((ids, i) => {
        const found = ids.flatMap((id, s) => (id === mask.id && encoded.attentionMask[i][s] === 1 ? [s] : []));
        if (found.length === 0) throw new PipelineError(`no ${mask.token} within the first ${encoded.inputIds[i].length} tokens of "${excerpt(batch[i])}"`);
        if (encoded.fullLengths[i] > encoded.lengths[i]) {
          const asked = this.tokenizer.encode(batch[i]).ids.filter((id) => id === mask.id).length;
          if (asked > found.length) throw new PipelineError(`${asked - found.length} of ${asked} ${mask.token} in "${excerpt(batch[i])}" lie beyond the model's window of ${this.config.embedding.max_seq_length} tokens`);
        }
        return found;
      });
      const width = encoded.inputIds[0].length;
      const rows = positions.flatMap((list, i) => list.map((s) => i * width + s));
      const logits = await this.runtime.maskedLogits(encoded, rows);
      let row = 0;
      return positions.map((list, i) =>
        list.map((s) => {
          const probs = softmax(logits.subarray(row * vocab, (row + 1) * vocab));
          row++;
          return topIndices(probs, k).map((id) => {
            const filled = encoded.inputIds[i].slice(0, encoded.lengths[i]);
            filled[s] = id;
            return { token: this.tokenizer.idToToken(id) ?? '', id, score: probs[id], sequence: this.tokenizer.decode(filled, { skipSpecialTokens: true }) };
          });
        }),
      );
    });
  }

  /** Label scores of one text or text pair, best first. */
  async classify(input: TextInput): Promise<LabelScore[]> {
    return (await this.classifyBatch([input]))[0];
  }

  async classifyBatch(inputs: readonly TextInput[]): Promise<LabelScore[][]> {
    if (!this.isClassifier) throw new PipelineError('classify needs a classification head; this model is a masked-language model (num_labels is null)');
    const numLabels = this.config.num_labels as number;
    if (this.labels && this.labels.length !== numLabels) throw new PipelineError(`${this.labels.length} label names given for a head of ${numLabels} labels`);
    return this.batched(inputs, async (_batch, encoded) => {
      const logits = await this.runtime.classificationLogits(encoded);
      return encoded.inputIds.map((_, i) => {
        const raw = logits.subarray(i * numLabels, (i + 1) * numLabels);
        const scores = numLabels === 1 ? assertFinite(raw) : softmax(raw);
        const row = Array.from(scores, (score, j) => ({ label: this.labels?.[j] ?? (numLabels === 1 ? 'score' : `LABEL_${j}`), score }));
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
    const h = this.config.hidden_size;
    return this.batched(inputs, async (_batch, encoded) => {
      const hidden = await this.runtime.hiddenStates(encoded);
      const width = encoded.inputIds[0].length;
      return encoded.inputIds.map((_, i) => {
        const at = (s: number) => hidden.subarray((i * width + s) * h, (i * width + s + 1) * h);
        if (pooling === 'first') return assertFinite(at(0).slice());
        const sum = new Float64Array(h);
        let count = 0;
        for (let s = 0; s < width; s++) {
          if (encoded.attentionMask[i][s] !== 1) continue;
          const v = at(s);
          for (let j = 0; j < h; j++) sum[j] += v[j];
          count++;
        }
        return Float32Array.from(sum, (v) => v / count);
      }).map(assertFinite);
    });
  }

  /** Frees the runtime (and the model it runs). */
  async dispose(): Promise<void> {
    await this.runtime.dispose();
  }

  // -------------------------------------------------------------------------

  private async batched<I, O>(inputs: readonly I[], run: (batch: readonly I[], encoded: BatchEncoding) => Promise<O[]>): Promise<O[]> {
    const out: O[] = [];
    for (let start = 0; start < inputs.length; start += this.batchSize) {
      const batch = inputs.slice(start, start + this.batchSize);
      const window = this.config.embedding.max_seq_length;
      const encoded = this.tokenizer.encodeBatch(batch as readonly TextInput[], { maxLength: window });
      if (encoded.lengths.some((n) => n === 0)) throw new PipelineError('an input encodes to no tokens');
      const long = encoded.fullLengths.findIndex((n, i) => n > encoded.lengths[i]);
      if (long >= 0 && this.overflow === 'reject') {
        const input = batch[long] as TextInput;
        throw new PipelineError(
          `input ${start + long + 1} ("${excerpt(typeof input === 'string' ? input : input.join(' || '))}") is ${encoded.fullLengths[long]} tokens, more than the model's window of ${window}; shorten it, or pass overflow: 'truncate' to cut it`,
        );
      }
      out.push(...(await run(batch, encoded)));
    }
    return out;
  }
}

/** Returns `values` unchanged, or throws when the model produced NaN or infinity (corrupt weights, never a score). */
function assertFinite(values: Float32Array): Float32Array {
  for (const v of values) if (!Number.isFinite(v)) throw new PipelineError(`the model produced a non-finite output (${v}); its weights or inputs hold NaN or Inf`);
  return values;
}

/** Softmax in float64, returned as float32 (exp of the shifted logits, so large logits do not overflow). */
function softmax(logits: Float32Array): Float32Array {
  let max = -Infinity;
  for (const v of logits) {
    if (!Number.isFinite(v)) throw new PipelineError(`the model produced a non-finite logit (${v}); its weights or inputs hold NaN or Inf`);
    if (v > max) max = v;
  }
  let sum = 0;
  const out = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i++) sum += out[i] = Math.exp(logits[i] - max);
  return Float32Array.from(out, (v) => v / sum);
}

/** Indices of the k largest values, largest first (ties: lower index first). */
function topIndices(values: Float32Array, k: number): number[] {
  // Insertion keeps the usual small k at O(V k); a large k sorts instead.
  if (k > 64) return Array.from(values.keys()).sort((a, b) => values[b] - values[a] || a - b).slice(0, k);
  const best: number[] = [];
  for (let i = 0; i < values.length; i++) {
    if (best.length === k && values[i] <= values[best[k - 1]]) continue;
    let at = best.length === k ? k - 1 : best.length;
    while (at > 0 && values[best[at - 1]] < values[i]) at--;
    best.splice(at, 0, i);
    if (best.length > k) best.pop();
  }
  return best;
}
