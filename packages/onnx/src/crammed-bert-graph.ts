import { hasOwnEntry } from '@ufbert/tensor';
import { isClassifier, type CrammedBertConfig } from '@ufbert/crammed-bert';
import { OnnxExportError } from './errors.js';
import { GraphBuilder, FLOAT, INT64, int } from './graph-builder.js';
import { defaultDenseLevels } from './conditional-feedforward-graph.js';
import { parseDtype, type Dtype } from './dtype.js';
import {
  ATTENTION_MASK,
  BATCH,
  EncoderGraphParts,
  HIDDEN_STATES,
  INPUT_IDS,
  LOGITS,
  POSITIONS,
  SEQUENCE,
  type GraphHead,
  type StateDict,
} from './encoder-graph-parts.js';

export { ATTENTION_MASK, HIDDEN_STATES, INPUT_IDS, LOGITS, POSITIONS, type GraphHead, type StateDict } from './encoder-graph-parts.js';

/** The extra output of a graph exported with `lastHiddenState: true`. */
export const LAST_HIDDEN_STATE = 'last_hidden_state';
/** The extra output of a graph exported with `routes: true`. */
export const ROUTES = 'routes';

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
  /**
   * `fp32` (default) or `q8`: int8 weights, every dense product dynamically quantized
   * (DynamicQuantizeLinear + MatMulInteger, fused by onnxruntime), the FFF tables and the word
   * embedding int8 with a scale per row. Recorded in the graph's metadata as `dtype`.
   */
  dtype?: Dtype;
}

/**
 * crammedBERT or UltraFastBERT in eval mode as an ONNX ModelProto (opset 17):
 * inputs `input_ids` and `attention_mask`, int64 [batch, sequence]; outputs `hidden_states`
 * [batch, sequence, H] (after the final norm) and `logits`: [batch, sequence, vocab] from the
 * tied decoder for an MLM model, [batch, num_labels] for a classifier.
 */
export function crammedBertGraph(config: CrammedBertConfig, weights: StateDict, options: GraphOptions = {}): Uint8Array {
  checkExportable(config);
  const dtype = parseDtype(options.dtype ?? 'fp32');
  const head = options.head ?? 'all';
  checkHead(config, head);
  const g = new GraphBuilder([INPUT_IDS, ATTENTION_MASK, POSITIONS, HIDDEN_STATES, LOGITS, ROUTES, LAST_HIDDEN_STATE]);
  const parts = new EncoderGraphParts(g, config, weights, dtype);
  const h = config.hidden_size;
  const ids = g.input(INPUT_IDS, INT64, [BATCH, SEQUENCE]);
  const mask = parts.additiveMask(g.input(ATTENTION_MASK, INT64, [BATCH, SEQUENCE]));
  let x = parts.embeddings(ids);
  const fffLevels = options.fffDenseLevels ?? defaultDenseLevels(config.intermed_depth);
  const layerRoutes: string[] = [];
  for (let i = 0; i < config.num_transformer_layers; i++) {
    x = parts.attention(i, x, mask);
    const { y, routes } = parts.feedforward(i, parts.norm(`encoder.layers.${i}.norm2`, x), fffLevels, options.routes === true);
    if (routes) layerRoutes.push(g.op('Unsqueeze', [routes, g.int64Vector([0])], {}, `encoder.layers.${i}.ffn.routes_row`));
    x = g.op('Add', [x, y], {}, `encoder.layers.${i}.out`);
  }
  if (config.final_norm) x = parts.norm('encoder.final_norm', x);
  g.output(x, HIDDEN_STATES, FLOAT, [BATCH, SEQUENCE, h]);
  if (options.lastHiddenState) g.output(x, LAST_HIDDEN_STATE, FLOAT, [BATCH, SEQUENCE, h]);
  if (layerRoutes.length) {
    const all = layerRoutes.length > 1 ? g.op('Concat', layerRoutes, { axis: int(0) }, 'all_routes') : layerRoutes[0];
    g.output(all, ROUTES, INT64, [config.num_transformer_layers, 'tokens', config.intermed_size, config.intermed_depth + 1]);
  }
  parts.head(x, head);
  return g.build(config.intermed_type === 'fff' ? 'ultrafastbert' : 'crammedbert', {
    metadata: { intermed_type: config.intermed_type, dtype, ...(config.intermed_type === 'fff' ? { fff_dense_levels: String(fffLevels) } : {}) },
  });
}

const HEADS: { readonly [H in GraphHead]: true } = { all: true, selected: true, none: true };

/** A head of the export's (an unknown one, `toString` included, would be written as `all`); `selected` decodes MLM positions, which a classifier does not have. */
export function checkHead(config: CrammedBertConfig, head: GraphHead): void {
  const given: unknown = head;
  if (!hasOwnEntry(HEADS, given))
    throw new OnnxExportError(
      `expected head one of ${Object.keys(HEADS).join(', ')}, got ${typeof given === 'string' ? `'${given.slice(0, 40)}'` : typeof given}`,
    );
  if (head === 'selected' && isClassifier(config))
    throw new OnnxExportError("head 'selected' decodes MLM positions; this model is a classifier: expected head 'all' or 'none'");
}

/** The options of a config that the graph does not implement, named in one error. */
export function checkExportable(config: CrammedBertConfig): void {
  const problems: string[] = [];
  if (config.embedding.embedding_dim !== config.hidden_size)
    problems.push(`embedding_dim ${config.embedding.embedding_dim} differs from hidden_size ${config.hidden_size}`);
  if (!config.tie_weights && !isClassifier(config)) problems.push('tie_weights false (the exporter writes the tied decoder only)');
  if (config.hidden_size % config.attention.num_attention_heads !== 0)
    problems.push(`hidden_size ${config.hidden_size} is not a multiple of num_attention_heads ${config.attention.num_attention_heads}`);
  if (problems.length) throw new OnnxExportError(`cannot export this config: expected a supported option, got ${problems.join('; ')}`);
}
