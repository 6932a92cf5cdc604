import { isClassifier, sinusoidalTable, WORD_EMBEDDING, type CrammedBertConfig } from '@ufbert/crammed-bert';
import { OnnxExportError } from './errors.js';
import { GraphBuilder, FLOAT, INT64, float, int, ints } from './graph-builder.js';
import { gelu } from './gelu-graph.js';
import { transpose } from './transpose.js';
import { conditionalFeedforward, defaultDenseLevels } from './conditional-feedforward-graph.js';

/** Names of the graph's inputs and outputs: the ones transformers.js's BERT models use. */
export const INPUT_IDS = 'input_ids';
export const ATTENTION_MASK = 'attention_mask';
export const HIDDEN_STATES = 'hidden_states';
export const LOGITS = 'logits';
/** The extra input of a graph exported with `head: 'selected'`: flat indices (b * sequence + s) of the positions to decode. */
export const POSITIONS = 'positions';
/** The extra output of a graph exported with `lastHiddenState: true`. */
export const LAST_HIDDEN_STATE = 'last_hidden_state';
/** The extra output of a graph exported with `routes: true`. */
export const ROUTES = 'routes';

/**
 * What the graph computes after the encoder. `all`: the classification logits, or the MLM
 * logits of every position (the layout transformers.js expects). `selected`: for an MLM
 * model, logits only at the positions given by the int64 input `positions` [R] -> [R, vocab],
 * since decoding every position costs about as much as the encoder itself. `none`: hidden
 * states only.
 */
export type GraphHead = 'all' | 'selected' | 'none';

export interface GraphOptions {
  /** Top levels of each FFF tree computed as one dense product (see `defaultDenseLevels`). Default: by depth. */
  fffDenseLevels?: number;
  /** Default `all`. */
  head?: GraphHead;
  /**
   * Also output `routes` [layers, batch * sequence, trees, depth + 1] int64 (FFF models): the
   * global node visited at every level of every tree, per layer and token. Default false.
   */
  routes?: boolean;
  /** Also output the hidden states as `last_hidden_state`, the name transformers.js's feature extraction reads. */
  lastHiddenState?: boolean;
}

/** A state dict as float32 arrays under the reference names (`decoder.weight` optional: it is tied). */
export type StateDict = ReadonlyMap<string, Float32Array>;

const BATCH = 'batch';
const SEQUENCE = 'sequence';

/**
 * crammedBERT or UltraFastBERT in eval mode as an ONNX ModelProto (opset 17):
 * inputs `input_ids` and `attention_mask`, int64 [batch, sequence]; outputs `hidden_states`
 * [batch, sequence, H] (after the final norm) and `logits`: [batch, sequence, vocab] from the
 * tied decoder for an MLM model, [batch, num_labels] for a classifier.
 */
export function crammedBertGraph(config: CrammedBertConfig, weights: StateDict, options: GraphOptions = {}): Uint8Array {
  checkExportable(config);
  const head = options.head ?? 'all';
  if (head === 'selected' && isClassifier(config)) throw new OnnxExportError("head 'selected' decodes MLM positions; this model is a classifier: expected head 'all' or 'none'");
  const g = new GraphBuilder([INPUT_IDS, ATTENTION_MASK, POSITIONS, HIDDEN_STATES, LOGITS, ROUTES, LAST_HIDDEN_STATE]);
  const h = config.hidden_size;
  const heads = config.attention.num_attention_heads;
  const headDim = h / heads;
  const eps = config.norm_eps;
  const get = (name: string, size: number): Float32Array => {
    const data = weights.get(name);
    if (!data) throw new OnnxExportError(`the state dict has no ${name}`);
    if (data.length !== size) throw new OnnxExportError(`expected ${name} of ${size} values, got ${data.length}`);
    return data;
  };
  const param = (name: string, dims: number[]) => g.floats(name, dims, get(name, dims.reduce((a, b) => a * b, 1)));
  const denseWeight = (name: string, out: number, inWidth: number) => g.floats(`${name}_t`, [inWidth, out], transpose(get(name, out * inWidth), out, inWidth));
  const norm = (prefix: string, x: string) =>
    g.op('LayerNormalization', [x, param(`${prefix}.weight`, [h]), param(`${prefix}.bias`, [h])], { axis: int(-1), epsilon: float(eps) }, prefix);

  const ids = g.input(INPUT_IDS, INT64, [BATCH, SEQUENCE]);
  const attention = g.input(ATTENTION_MASK, INT64, [BATCH, SEQUENCE]);
  const vocab = config.embedding.vocab_size;
  const words = param(WORD_EMBEDDING, [vocab, h]);

  // Embeddings: word + scale_factor * sinusoid[:seq], folded into one table (float32, one rounding, as torch).
  const maxLength = config.embedding.max_seq_length;
  const scale = get('encoder.embedding.pos_embedding.scale_factor', 1)[0];
  const positions = sinusoidalTable(maxLength, h).map((v) => Math.fround(v * scale));
  const seqLength = g.op('Slice', [g.op('Shape', [ids]), g.int64Vector([1]), g.int64Vector([2])], {}, 'sequence_length');
  const positionRows = g.op('Slice', [g.floats('encoder.embedding.pos_embedding.scaled_table', [maxLength, h], positions), g.int64Vector([0]), seqLength, g.int64Vector([0])], {}, 'position_embeddings');
  let x = g.op('Add', [g.op('Gather', [words, ids], { axis: int(0) }, 'word_embeddings'), positionRows], {}, 'embeddings');
  if (config.embedding.normalization) x = norm('encoder.embedding.norm', x);

  // The reference's extended mask, (1 - mask) * -10000, as [batch, 1, 1, sequence].
  const keep = g.op('Cast', [attention], { to: int(FLOAT) }, 'mask_float');
  const additive = g.op('Mul', [g.op('Sub', [g.scalar(1), keep], {}, 'mask_inverted'), g.scalar(-10000)], {}, 'mask_scaled');
  const mask = g.op('Unsqueeze', [additive, g.int64Vector([1, 2])], {}, 'additive_mask');

  const fffLevels = options.fffDenseLevels ?? defaultDenseLevels(config.intermed_depth);
  const layerRoutes: string[] = [];
  for (let i = 0; i < config.num_transformer_layers; i++) {
    const p = `encoder.layers.${i}`;
    // Attention: the fused projection viewed per token as [heads, 3 * head_dim], split into q, k, v.
    const qkv = g.op('MatMul', [norm(`${p}.norm1`, x), denseWeight(`${p}.attn.self_attention.query_key_value.weight`, 3 * h, h)], {}, `${p}.qkv`);
    const perHead = g.op('Reshape', [qkv, g.int64Vector([0, 0, heads, 3 * headDim])], {}, `${p}.qkv_per_head`);
    const [q, k, v] = g.opN('Split', [perHead, g.int64Vector([headDim, headDim, headDim])], 3, { axis: int(3) }, `${p}.qkv_split`);
    const qT = g.op('Transpose', [q], { perm: ints([0, 2, 1, 3]) }, `${p}.q`);
    const kT = g.op('Transpose', [k], { perm: ints([0, 2, 3, 1]) }, `${p}.k_t`);
    const vT = g.op('Transpose', [v], { perm: ints([0, 2, 1, 3]) }, `${p}.v`);
    const normFactor = param(`${p}.attn.self_attention.norm_factor`, [1]);
    const scores = g.op('Add', [g.op('Mul', [g.op('MatMul', [qT, kT], {}, `${p}.scores_raw`), normFactor], {}, `${p}.scores_scaled`), mask], {}, `${p}.scores`);
    const probs = g.op('Softmax', [scores], { axis: int(-1) }, `${p}.probs`);
    const context = g.op('Transpose', [g.op('MatMul', [probs, vT], {}, `${p}.context_heads`)], { perm: ints([0, 2, 1, 3]) }, `${p}.context_t`);
    const merged = g.op('Reshape', [context, g.int64Vector([0, 0, h])], {}, `${p}.context`);
    x = g.op('Add', [x, g.op('MatMul', [merged, denseWeight(`${p}.attn.dense.weight`, h, h)], {}, `${p}.attn_out`)], {}, `${p}.after_attention`);

    const normed = norm(`${p}.norm2`, x);
    let fed: string;
    if (config.intermed_type === 'fff') {
      const k = config.intermed_size;
      const d = config.intermed_depth;
      const total = k * (2 ** (d + 1) - 1);
      const flat = g.op('Reshape', [normed, g.int64Vector([-1, h])], {}, `${p}.ffn_tokens`);
      const { y, routes } = conditionalFeedforward(
        g,
        flat,
        {
          linearIn: get(`${p}.ffn.linear_in.weight`, total * h),
          linearInBias: get(`${p}.ffn.linear_in.bias`, total),
          linearOut: get(`${p}.ffn.linear_out.weight`, h * total),
          trees: k,
          depth: d,
          inputWidth: h,
          outputWidth: h,
        },
        fffLevels,
        `${p}.ffn`,
        { routes: options.routes },
      );
      if (routes) layerRoutes.push(g.op('Unsqueeze', [routes, g.int64Vector([0])], {}, `${p}.ffn.routes_row`));
      fed = g.op('Reshape', [y, g.op('Shape', [normed], {}, `${p}.ffn_shape`)], {}, `${p}.ffn_out`);
    } else {
      const width = config.intermed_size;
      const inner = g.op('MatMul', [normed, denseWeight(`${p}.ffn.dense_in.weight`, width, h)], {}, `${p}.ffn_in`);
      fed = g.op('MatMul', [gelu(g, inner, `${p}.ffn_gelu`), denseWeight(`${p}.ffn.dense_out.weight`, h, width)], {}, `${p}.ffn_out`);
    }
    x = g.op('Add', [x, fed], {}, `${p}.out`);
  }
  if (config.final_norm) x = norm('encoder.final_norm', x);
  g.output(x, HIDDEN_STATES, FLOAT, [BATCH, SEQUENCE, h]);
  if (options.lastHiddenState) g.output(x, LAST_HIDDEN_STATE, FLOAT, [BATCH, SEQUENCE, h]);
  if (layerRoutes.length) {
    const all = layerRoutes.length > 1 ? g.op('Concat', layerRoutes, { axis: int(0) }, 'all_routes') : layerRoutes[0];
    g.output(all, ROUTES, INT64, [config.num_transformer_layers, 'tokens', config.intermed_size, config.intermed_depth + 1]);
  }

  if (head !== 'none' && isClassifier(config)) {
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
      pooled = g.op('Gemm', [pooled, param('pooler.dense.weight', [width, h]), param('pooler.dense.bias', [width])], { transB: int(1) }, 'pooler_dense');
    }
    const activated = pooling.nonlin === 'Tanh' ? g.op('Tanh', [pooled]) : pooling.nonlin === 'GELU' ? gelu(g, pooled, 'pooler_gelu') : g.op('Relu', [pooled]);
    const logits = g.op('Gemm', [activated, param('head.weight', [labels, width]), param('head.bias', [labels])], { transB: int(1) }, 'head');
    g.output(logits, LOGITS, FLOAT, [BATCH, labels]);
  } else if (head === 'selected') {
    const positions = g.input(POSITIONS, INT64, ['positions']);
    const rows = g.op('Gather', [g.op('Reshape', [x, g.int64Vector([-1, h])], {}, 'decoder_tokens'), positions], { axis: int(0) }, 'decoder_rows');
    g.output(g.op('Gemm', [rows, words], { transB: int(1) }, 'decoder'), LOGITS, FLOAT, ['positions', vocab]);
  } else if (head === 'all') {
    // The tied decoder reads the word-embedding initializer itself (Gemm with transB), so the table is stored once.
    const flat = g.op('Reshape', [x, g.int64Vector([-1, h])], {}, 'decoder_tokens');
    const logits = g.op('Gemm', [flat, words], { transB: int(1) }, 'decoder');
    const shape = g.op('Concat', [g.op('Shape', [ids], {}, 'ids_shape'), g.int64Vector([vocab])], { axis: int(0) }, 'logits_shape');
    g.output(g.op('Reshape', [logits, shape], {}, 'logits_3d'), LOGITS, FLOAT, [BATCH, SEQUENCE, vocab]);
  }
  return g.build(config.intermed_type === 'fff' ? 'ultrafastbert' : 'crammedbert', {
    metadata: { intermed_type: config.intermed_type, ...(config.intermed_type === 'fff' ? { fff_dense_levels: String(fffLevels) } : {}) },
  });
}

/** The options of a config that the graph does not implement, named in one error. */
export function checkExportable(config: CrammedBertConfig): void {
  const problems: string[] = [];
  if (config.embedding.embedding_dim !== config.hidden_size) problems.push(`embedding_dim ${config.embedding.embedding_dim} differs from hidden_size ${config.hidden_size}`);
  if (!config.tie_weights && !isClassifier(config)) problems.push('tie_weights false (the exporter writes the tied decoder only)');
  if (config.hidden_size % config.attention.num_attention_heads !== 0) problems.push(`hidden_size ${config.hidden_size} is not a multiple of num_attention_heads ${config.attention.num_attention_heads}`);
  if (problems.length) throw new OnnxExportError(`cannot export this config: expected a supported option, got ${problems.join('; ')}`);
}
