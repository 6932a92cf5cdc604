import { fffNeurons, isClassifier, type CrammedBertConfig } from './config.js';

/**
 * `parameter`: trained; `buffer`: stored and loaded but not trained (`norm_factor`);
 * `tied`: `decoder.weight`, the word embedding under a second name (written on save,
 * optional on load).
 */
export type ParameterKind = 'parameter' | 'buffer' | 'tied';

export interface ParameterSpec {
  /** The reference state-dict name, e.g. `encoder.layers.3.ffn.linear_in.weight`. */
  name: string;
  shape: number[];
  kind: ParameterKind;
  /** How a fresh model initialises it (the reference `_init_module`). */
  init: 'normal' | 'embedding' | 'zeros' | 'ones' | 'scale-factor' | 'norm-factor';
}

export const WORD_EMBEDDING = 'encoder.embedding.word_embedding.weight';
export const DECODER_WEIGHT = 'decoder.weight';

/** Names of the classification head, which a checkpoint trained for MLM does not have. */
export function isHeadParameter(name: string): boolean {
  return name.startsWith('pooler.') || name.startsWith('head.');
}

/** Every state-dict entry of the reference model for `config`, in the reference's module order. */
export function parameterSpecs(config: CrammedBertConfig): ParameterSpec[] {
  const h = config.hidden_size;
  const specs: ParameterSpec[] = [];
  const add = (name: string, shape: number[], init: ParameterSpec['init'], kind: ParameterKind = 'parameter') => specs.push({ name, shape, kind, init });
  const layerNorm = (prefix: string) => {
    add(`${prefix}.weight`, [h], 'ones');
    add(`${prefix}.bias`, [h], 'zeros');
  };

  add(WORD_EMBEDDING, [config.embedding.vocab_size, h], 'embedding');
  add('encoder.embedding.pos_embedding.scale_factor', [1], 'scale-factor');
  if (config.embedding.normalization) layerNorm('encoder.embedding.norm');
  for (let i = 0; i < config.num_transformer_layers; i++) {
    const p = `encoder.layers.${i}`;
    layerNorm(`${p}.norm1`);
    layerNorm(`${p}.norm2`);
    add(`${p}.attn.self_attention.norm_factor`, [1], 'norm-factor', 'buffer');
    add(`${p}.attn.self_attention.query_key_value.weight`, [3 * h, h], 'normal');
    add(`${p}.attn.dense.weight`, [h, h], 'normal');
    if (config.intermed_type === 'fff') {
      const n = fffNeurons(config);
      add(`${p}.ffn.linear_in.weight`, [n, h], 'normal');
      add(`${p}.ffn.linear_in.bias`, [n], 'zeros');
      add(`${p}.ffn.linear_out.weight`, [h, n], 'normal');
    } else {
      add(`${p}.ffn.dense_in.weight`, [config.intermed_size, h], 'normal');
      add(`${p}.ffn.dense_out.weight`, [h, config.intermed_size], 'normal');
    }
  }
  if (config.final_norm) layerNorm('encoder.final_norm');
  if (isClassifier(config)) {
    const head = config.classification_head;
    if (head.include_ff_layer) {
      add('pooler.dense.weight', [head.head_dim, h], 'normal');
      add('pooler.dense.bias', [head.head_dim], 'zeros');
    }
    add('head.weight', [config.num_labels as number, head.head_dim], 'normal');
    add('head.bias', [config.num_labels as number], 'zeros');
  } else {
    add(DECODER_WEIGHT, [config.embedding.vocab_size, h], 'embedding', 'tied');
  }
  return specs;
}

/** The standard deviation the reference's `_init_module` uses for `init.type`. */
export function initStd(config: CrammedBertConfig): number {
  const h = config.hidden_size;
  const layers = config.num_transformer_layers;
  switch (config.init.type) {
    case 'normal':
      return config.init.std;
    case 'small':
      return Math.sqrt(2 / (5 * h));
    case 'megatron':
      return Math.sqrt(1 / (3 * h));
    case 'wang':
      return 2 / layers / Math.sqrt(h);
    case 'deepnorm':
      return (8 * layers) ** -0.25;
  }
}
