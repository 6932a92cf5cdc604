import { fffNeurons, isClassifier, sinusoidalTable, WORD_EMBEDDING, type CrammedBertConfig } from '@ufbert/crammed-bert';
import { OnnxExportError } from './errors.js';
import { FLOAT, INT64, float, int, ints, type GraphBuilder } from './graph-builder.js';
import { gelu } from './gelu-graph.js';
import { transpose } from './transpose.js';
import { conditionalFeedforward } from './conditional-feedforward-graph.js';
import { quantizedMatMul } from './quantized-matmul-graph.js';
import { checkFinite } from './quantize.js';
import type { Dtype } from './dtype.js';

/** A state dict as float32 arrays under the reference names (`decoder.weight` optional: it is tied). */
export type StateDict = ReadonlyMap<string, Float32Array>;

/**
 * What a graph computes after the encoder. `all`: the classification logits, or the MLM
 * logits of every position (the layout transformers.js expects). `selected`: for an MLM
 * model, logits only at the positions given by the int64 input `positions` [R] -> [R, vocab],
 * since decoding every position costs about as much as the encoder itself. `none`: hidden
 * states only.
 */
export type GraphHead = 'all' | 'selected' | 'none';

/** Names of the graph's inputs and outputs: the ones transformers.js's BERT models use. */
export const INPUT_IDS = 'input_ids';
export const ATTENTION_MASK = 'attention_mask';
export const HIDDEN_STATES = 'hidden_states';
export const LOGITS = 'logits';
/** The extra input of a graph exported with `head: 'selected'`: flat indices (b * sequence + s) of the positions to decode. */
export const POSITIONS = 'positions';

export const BATCH = 'batch';
export const SEQUENCE = 'sequence';

/**
 * The pieces of the crammedBERT graph (embeddings, padding mask, one layer's attention or
 * feedforward, the heads), each appending its nodes to one `GraphBuilder` and reading its
 * weights from one state dict: the whole model and the per-layer segments of the split
 * runtime are written from the same pieces, so they cannot drift apart.
 */
export class EncoderGraphParts {
  readonly g: GraphBuilder;
  readonly config: CrammedBertConfig;
  private readonly weights: StateDict;
  readonly dtype: Dtype;
  private readonly h: number;
  private wordTable?: string;

  constructor(g: GraphBuilder, config: CrammedBertConfig, weights: StateDict, dtype: Dtype = 'fp32') {
    this.g = g;
    this.config = config;
    this.weights = weights;
    this.dtype = dtype;
    this.h = config.hidden_size;
  }

  /** A weight of the state dict, checked to hold `size` values. */
  get(name: string, size: number): Float32Array {
    const data = this.weights.get(name);
    if (!data) throw new OnnxExportError(`the state dict has no ${name}`);
    if (data.length !== size) throw new OnnxExportError(`expected ${name} of ${size} values, got ${data.length}`);
    return data;
  }

  private param(name: string, dims: number[]): string {
    return this.g.floats(
      name,
      dims,
      this.get(
        name,
        dims.reduce((a, b) => a * b, 1),
      ),
    );
  }

  /**
   * x @ W^T for the torch Linear weight `name` [out, in] (no bias): a MatMul on the weight
   * stored transposed, [in, out], in fp32; the dynamically quantized int8 product in q8.
   */
  private linear(x: string, name: string, out: number, inWidth: number, hint: string): string {
    const original = this.get(name, out * inWidth);
    const weight = () => transpose(original, out, inWidth);
    if (this.dtype !== 'q8') return this.g.op('MatMul', [x, this.g.floats(`${name}_t`, [inWidth, out], weight())], {}, hint);
    // Checked in the reference layout, so the error's index is the checkpoint's.
    checkFinite(name, original);
    return quantizedMatMul(this.g, x, weight(), inWidth, out, name, hint);
  }

  /** A torch Linear with bias on x [rows, in]: Gemm in fp32 (as before), the quantized product plus the bias in q8. */
  private linearWithBias(x: string, prefix: string, out: number, inWidth: number, hint: string): string {
    if (this.dtype !== 'q8')
      return this.g.op('Gemm', [x, this.param(`${prefix}.weight`, [out, inWidth]), this.param(`${prefix}.bias`, [out])], { transB: int(1) }, hint);
    return this.g.op('Add', [this.linear(x, `${prefix}.weight`, out, inWidth, `${hint}_product`), this.param(`${prefix}.bias`, [out])], {}, hint);
  }

  norm(prefix: string, x: string): string {
    return this.g.op(
      'LayerNormalization',
      [x, this.param(`${prefix}.weight`, [this.h]), this.param(`${prefix}.bias`, [this.h])],
      { axis: int(-1), epsilon: float(this.config.norm_eps) },
      prefix,
    );
  }

  /** The word-embedding table, stored once for the embedding and the tied decoder. */
  private words(): string {
    this.wordTable ??= this.param(WORD_EMBEDDING, [this.config.embedding.vocab_size, this.h]);
    return this.wordTable;
  }

  /** Word + scale_factor * sinusoid[:sequence], folded into one table (float32, one rounding, as torch), then the embedding norm. */
  embeddings(ids: string): string {
    const { g, h } = this;
    const maxLength = this.config.embedding.max_seq_length;
    const scale = this.get('encoder.embedding.pos_embedding.scale_factor', 1)[0];
    const positions = sinusoidalTable(maxLength, h).map((v) => Math.fround(v * scale));
    const seqLength = g.op('Slice', [g.op('Shape', [ids]), g.int64Vector([1]), g.int64Vector([2])], {}, 'sequence_length');
    const positionRows = g.op(
      'Slice',
      [g.floats('encoder.embedding.pos_embedding.scaled_table', [maxLength, h], positions), g.int64Vector([0]), seqLength, g.int64Vector([0])],
      {},
      'position_embeddings',
    );
    const x = g.op('Add', [g.op('Gather', [this.words(), ids], { axis: int(0) }, 'word_embeddings'), positionRows], {}, 'embeddings');
    return this.config.embedding.normalization ? this.norm('encoder.embedding.norm', x) : x;
  }

  /** The reference's extended mask, (1 - mask) * -10000, as [batch, 1, 1, sequence]. */
  additiveMask(attention: string): string {
    const g = this.g;
    const keep = g.op('Cast', [attention], { to: int(FLOAT) }, 'mask_float');
    const additive = g.op('Mul', [g.op('Sub', [g.scalar(1), keep], {}, 'mask_inverted'), g.scalar(-10000)], {}, 'mask_scaled');
    return g.op('Unsqueeze', [additive, g.int64Vector([1, 2])], {}, 'additive_mask');
  }

  /** x + attention(norm1(x)) of layer `i`: the fused projection viewed per token as [heads, 3 * head_dim], split into q, k, v. */
  attention(i: number, x: string, mask: string): string {
    const { g, h } = this;
    const p = `encoder.layers.${i}`;
    const heads = this.config.attention.num_attention_heads;
    const headDim = h / heads;
    const qkv = this.linear(this.norm(`${p}.norm1`, x), `${p}.attn.self_attention.query_key_value.weight`, 3 * h, h, `${p}.qkv`);
    const perHead = g.op('Reshape', [qkv, g.int64Vector([0, 0, heads, 3 * headDim])], {}, `${p}.qkv_per_head`);
    const [q, k, v] = g.opN('Split', [perHead, g.int64Vector([headDim, headDim, headDim])], 3, { axis: int(3) }, `${p}.qkv_split`);
    const qT = g.op('Transpose', [q], { perm: ints([0, 2, 1, 3]) }, `${p}.q`);
    const kT = g.op('Transpose', [k], { perm: ints([0, 2, 3, 1]) }, `${p}.k_t`);
    const vT = g.op('Transpose', [v], { perm: ints([0, 2, 1, 3]) }, `${p}.v`);
    const normFactor = this.param(`${p}.attn.self_attention.norm_factor`, [1]);
    const scores = g.op('Add', [g.op('Mul', [g.op('MatMul', [qT, kT], {}, `${p}.scores_raw`), normFactor], {}, `${p}.scores_scaled`), mask], {}, `${p}.scores`);
    const probs = g.op('Softmax', [scores], { axis: int(-1) }, `${p}.probs`);
    const context = g.op('Transpose', [g.op('MatMul', [probs, vT], {}, `${p}.context_heads`)], { perm: ints([0, 2, 1, 3]) }, `${p}.context_t`);
    const merged = g.op('Reshape', [context, g.int64Vector([0, 0, h])], {}, `${p}.context`);
    return g.op('Add', [x, this.linear(merged, `${p}.attn.dense.weight`, h, h, `${p}.attn_out`)], {}, `${p}.after_attention`);
  }

  /**
   * The feedforward block of layer `i` on its normed input [batch, sequence, H]: the FFF as a
   * conditional graph (`fffDenseLevels` top levels dense), or the dense GELU MLP.
   */
  feedforward(i: number, normed: string, fffDenseLevels: number, withRoutes: boolean): { y: string; routes?: string } {
    const { g, h, config } = this;
    const p = `encoder.layers.${i}`;
    if (config.intermed_type !== 'fff') {
      const width = config.intermed_size;
      const inner = this.linear(normed, `${p}.ffn.dense_in.weight`, width, h, `${p}.ffn_in`);
      return { y: this.linear(gelu(g, inner, `${p}.ffn_gelu`), `${p}.ffn.dense_out.weight`, h, width, `${p}.ffn_out`) };
    }
    const k = config.intermed_size;
    const d = config.intermed_depth;
    const total = fffNeurons(config);
    const flat = g.op('Reshape', [normed, g.int64Vector([-1, h])], {}, `${p}.ffn_tokens`);
    const weights = {
      linearIn: this.get(`${p}.ffn.linear_in.weight`, total * h),
      linearInBias: this.get(`${p}.ffn.linear_in.bias`, total),
      linearOut: this.get(`${p}.ffn.linear_out.weight`, h * total),
      trees: k,
      depth: d,
      inputWidth: h,
      outputWidth: h,
    };
    const { y, routes } = conditionalFeedforward(g, flat, weights, fffDenseLevels, `${p}.ffn`, { routes: withRoutes, dtype: this.dtype });
    return { y: g.op('Reshape', [y, g.op('Shape', [normed], {}, `${p}.ffn_shape`)], {}, `${p}.ffn_out`), routes };
  }

  /**
   * The head on the final hidden states `x` [batch, sequence, H], written as the `logits`
   * output: the classifier's pooler and head, or the tied MLM decoder over every position
   * (`all`) or over the int64 input `positions` (`selected`).
   */
  head(x: string, head: GraphHead): void {
    const { g, h, config } = this;
    if (head === 'none') return;
    if (isClassifier(config)) {
      const pooling = config.classification_head;
      const labels = config.num_labels as number;
      let pooled: string;
      switch (pooling.pooler) {
        case 'zero_index':
          pooled = g.op('Gather', [x, g.int64s('first_position', [], [0])], { axis: int(1) }, 'pooled');
          break;
        case 'avg':
          pooled = g.op('ReduceMean', [x], { axes: ints([1]), keepdims: int(0) }, 'pooled');
          break;
        case 'max':
          pooled = g.op('ReduceMax', [x], { axes: ints([1]), keepdims: int(0) }, 'pooled');
          break;
        case 'lse':
          pooled = g.op('ReduceLogSumExp', [x], { axes: ints([1]), keepdims: int(0) }, 'pooled');
          break;
      }
      let width = h;
      if (pooling.include_ff_layer) {
        width = pooling.head_dim;
        pooled = this.linearWithBias(pooled, 'pooler.dense', width, h, 'pooler_dense');
      }
      const activated =
        pooling.nonlin === 'Tanh' ? g.op('Tanh', [pooled]) : pooling.nonlin === 'GELU' ? gelu(g, pooled, 'pooler_gelu') : g.op('Relu', [pooled]);
      const logits = this.linearWithBias(activated, 'head', labels, width, 'head');
      g.output(logits, LOGITS, FLOAT, [BATCH, labels]);
      return;
    }
    const vocab = config.embedding.vocab_size;
    const flat = g.op('Reshape', [x, g.int64Vector([-1, h])], {}, 'decoder_tokens');
    if (head === 'selected') {
      const positions = g.input(POSITIONS, INT64, ['positions']);
      const rows = g.op('Gather', [flat, positions], { axis: int(0) }, 'decoder_rows');
      g.output(g.op('Gemm', [rows, this.words()], { transB: int(1) }, 'decoder'), LOGITS, FLOAT, ['positions', vocab]);
      return;
    }
    // The tied decoder reads the word-embedding initializer itself (Gemm with transB), so the table is stored once.
    // It stays fp32 in q8 too: an int8 decoder (per-row table, dynamically quantized hidden states) changed the
    // top-1 token at 4.3 % of the fixtures' masked positions, where the float one changes none.
    const logits = g.op('Gemm', [flat, this.words()], { transB: int(1) }, 'decoder');
    const batchAndSequence = g.op('Slice', [g.op('Shape', [x], {}, 'hidden_shape'), g.int64Vector([0]), g.int64Vector([2])], {}, 'batch_and_sequence');
    const shape = g.op('Concat', [batchAndSequence, g.int64Vector([vocab])], { axis: int(0) }, 'logits_shape');
    g.output(g.op('Reshape', [logits, shape], {}, 'logits_3d'), LOGITS, FLOAT, [BATCH, SEQUENCE, vocab]);
  }
}
