import { neuronCount } from '@ufbert/fff';
import { ConfigError } from './errors.js';

/**
 * The reference `arch` config (training/cramming/config/arch/crammed-bert(-fff).yaml),
 * with the reference's snake_case keys, so that model_config.json reads and writes as is.
 * Literal types mark the settings this implementation supports; others are rejected.
 */
export interface CrammedBertConfig {
  architectures: string[];
  num_transformer_layers: number;
  /** `ff`: dense feedforward of width `intermed_size`; `fff`: `intermed_size` trees of depth `intermed_depth`. */
  intermed_type: IntermedType;
  hidden_size: number;
  intermed_size: number;
  intermed_depth: number;
  hidden_dropout_prob: number;
  norm: 'LayerNorm';
  norm_eps: number;
  norm_scheme: 'pre';
  nonlin: 'GELU';
  tie_weights: boolean;
  decoder_bias: false;
  sparse_prediction: number | false;
  loss: string;
  objective_layout: 'MLM';
  embedding: EmbeddingConfig;
  attention: AttentionConfig;
  init: InitConfig;
  ffn_layer_frequency: number;
  skip_head_transform: true;
  use_bias: false;
  final_norm: boolean;
  /** null: a masked-language model; a number: a sequence classifier (1 = regression). */
  num_labels: number | null;
  classification_head: ClassificationHeadConfig;
}

export type IntermedType = 'ff' | 'fff';
export type PoolerScheme = 'zero_index' | 'avg' | 'max' | 'lse';
export type InitType = 'normal' | 'small' | 'megatron' | 'wang' | 'deepnorm';
export type HeadNonlinearity = 'Tanh' | 'GELU' | 'ReLU';

export interface EmbeddingConfig {
  vocab_size: number;
  pos_embedding: 'scaled-sinusoidal';
  dropout_prob: number;
  pad_token_id: number;
  max_seq_length: number;
  /** Must equal hidden_size in crammedBERT. */
  embedding_dim: number;
  normalization: boolean;
  stable_low_precision: boolean;
}

export interface AttentionConfig {
  type: 'self-attention';
  causal_attention: false;
  num_attention_heads: number;
  dropout_prob: number;
  skip_output_projection: false;
  qkv_bias: false;
  rotary_embedding: false;
  seq_op_in_fp32: boolean;
  sequence_op: 'torch-softmax';
}

export interface InitConfig {
  type: InitType;
  std: number;
}

export interface ClassificationHeadConfig {
  pooler: PoolerScheme;
  include_ff_layer: boolean;
  head_dim: number;
  nonlin: HeadNonlinearity;
  classifier_dropout: number;
}

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? (T[K] extends unknown[] ? T[K] : DeepPartial<T[K]>) : T[K] };
export type CrammedBertConfigInput = DeepPartial<CrammedBertConfig>;

/** crammed-bert.yaml with the published tokenizer's vocabulary and 128-token sequences. */
export function defaultConfig(): CrammedBertConfig {
  return {
    architectures: ['ScriptableCrammedBERT'],
    num_transformer_layers: 16,
    intermed_type: 'ff',
    hidden_size: 768,
    intermed_size: 3072,
    intermed_depth: 0,
    hidden_dropout_prob: 0.1,
    norm: 'LayerNorm',
    norm_eps: 1e-12,
    norm_scheme: 'pre',
    nonlin: 'GELU',
    tie_weights: true,
    decoder_bias: false,
    sparse_prediction: 0.25,
    loss: 'cross-entropy',
    objective_layout: 'MLM',
    embedding: {
      vocab_size: 32768,
      pos_embedding: 'scaled-sinusoidal',
      dropout_prob: 0.1,
      pad_token_id: 0,
      max_seq_length: 128,
      embedding_dim: 768,
      normalization: true,
      stable_low_precision: false,
    },
    attention: {
      type: 'self-attention',
      causal_attention: false,
      num_attention_heads: 12,
      dropout_prob: 0.1,
      skip_output_projection: false,
      qkv_bias: false,
      rotary_embedding: false,
      seq_op_in_fp32: false,
      sequence_op: 'torch-softmax',
    },
    init: { type: 'normal', std: 0.02 },
    ffn_layer_frequency: 1,
    skip_head_transform: true,
    use_bias: false,
    final_norm: true,
    num_labels: null,
    classification_head: {
      pooler: 'avg',
      include_ff_layer: true,
      head_dim: 1024,
      nonlin: 'Tanh',
      classifier_dropout: 0.1,
    },
  };
}

// ---------------------------------------------------------------------------
// Validation: every field is checked and every problem reported at once.

/** Returns what was expected when `value` is not acceptable. */
type Check = (value: unknown) => string | undefined;

const isInteger = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
const integer =
  (min: number, max = Number.MAX_SAFE_INTEGER): Check =>
  (v) =>
    isInteger(v) && v >= min && v <= max ? undefined : max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer in [${min}, ${max}]`;
const positiveNumber: Check = (v) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? undefined : 'a positive number');
const probability: Check = (v) => (typeof v === 'number' && v >= 0 && v < 1 ? undefined : 'a probability in [0, 1)');
const boolean: Check = (v) => (typeof v === 'boolean' ? undefined : 'true or false');
const string: Check = (v) => (typeof v === 'string' ? undefined : 'a string');
const oneOf =
  (...values: readonly unknown[]): Check =>
  (v) =>
    values.includes(v)
      ? undefined
      : values.length === 1
        ? `${JSON.stringify(values[0])} (the only supported value)`
        : `one of ${values.map((x) => JSON.stringify(x)).join(', ')}`;
const stringArray: Check = (v) => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? undefined : 'an array of strings');
const numLabels: Check = (v) =>
  v === null || (isInteger(v) && v >= 1 && v <= CONFIG_LIMITS.num_labels) ? undefined : `null (masked LM) or an integer in [1, ${CONFIG_LIMITS.num_labels}]`;
const sparsePrediction: Check = (v) => (v === false || (typeof v === 'number' && v > 0 && v <= 1) ? undefined : 'false or a fraction in (0, 1]');

/**
 * Upper bounds of every size in a config, checked before anything is allocated: far above
 * any crammedBERT or UltraFastBERT (16 layers, hidden 768, 32768 tokens, 128 positions,
 * 4095 FFF neurons), low enough that a typo (`1e6` layers) fails at once with a message
 * instead of minutes later in a raw RangeError. `modelValues` bounds the float32 values of
 * all weights plus the positional table together (2^30: 4 GiB).
 */
export const CONFIG_LIMITS = {
  num_transformer_layers: 256,
  hidden_size: 16384,
  /** The dense width (ff) or the number of trees (fff). */
  intermed_size: 1 << 20,
  intermed_depth: 24,
  num_attention_heads: 1024,
  vocab_size: 1 << 21,
  max_seq_length: 8192,
  head_dim: 1 << 16,
  num_labels: 1 << 16,
  modelValues: 2 ** 30,
} as const;

/** Fields without a default must be given. */
interface Field {
  check: Check;
  required?: boolean;
}
type Schema = { [key: string]: Field | Schema };

const SCHEMA: Schema = {
  architectures: { check: stringArray },
  num_transformer_layers: { check: integer(0, CONFIG_LIMITS.num_transformer_layers), required: true },
  intermed_type: { check: oneOf('ff', 'fff') },
  hidden_size: { check: integer(1, CONFIG_LIMITS.hidden_size), required: true },
  intermed_size: { check: integer(1, CONFIG_LIMITS.intermed_size), required: true },
  intermed_depth: { check: integer(0, CONFIG_LIMITS.intermed_depth) },
  hidden_dropout_prob: { check: probability },
  norm: { check: oneOf('LayerNorm') },
  norm_eps: { check: positiveNumber },
  norm_scheme: { check: oneOf('pre') },
  nonlin: { check: oneOf('GELU') },
  tie_weights: { check: boolean },
  decoder_bias: { check: oneOf(false) },
  sparse_prediction: { check: sparsePrediction },
  loss: { check: string },
  objective_layout: { check: oneOf('MLM') },
  embedding: {
    vocab_size: { check: integer(1, CONFIG_LIMITS.vocab_size), required: true },
    pos_embedding: { check: oneOf('scaled-sinusoidal') },
    dropout_prob: { check: probability },
    pad_token_id: { check: integer(0) },
    max_seq_length: { check: integer(1, CONFIG_LIMITS.max_seq_length), required: true },
    embedding_dim: { check: integer(1, CONFIG_LIMITS.hidden_size) },
    normalization: { check: boolean },
    stable_low_precision: { check: boolean },
  },
  attention: {
    type: { check: oneOf('self-attention') },
    causal_attention: { check: oneOf(false) },
    num_attention_heads: { check: integer(1, CONFIG_LIMITS.num_attention_heads), required: true },
    dropout_prob: { check: probability },
    skip_output_projection: { check: oneOf(false) },
    qkv_bias: { check: oneOf(false) },
    rotary_embedding: { check: oneOf(false) },
    seq_op_in_fp32: { check: boolean },
    sequence_op: { check: oneOf('torch-softmax') },
  },
  init: {
    type: { check: oneOf('normal', 'small', 'megatron', 'wang', 'deepnorm') },
    std: { check: positiveNumber },
  },
  // Every layer has a feedforward block here; the reference's other values are not built.
  ffn_layer_frequency: { check: oneOf(1) },
  skip_head_transform: { check: oneOf(true) },
  use_bias: { check: oneOf(false) },
  final_norm: { check: boolean },
  num_labels: { check: numLabels },
  classification_head: {
    pooler: { check: oneOf('zero_index', 'avg', 'max', 'lse') },
    include_ff_layer: { check: boolean },
    head_dim: { check: integer(1, CONFIG_LIMITS.head_dim) },
    nonlin: { check: oneOf('Tanh', 'GELU', 'ReLU') },
    classifier_dropout: { check: probability },
  },
};

function isField(entry: Field | Schema): entry is Field {
  return typeof (entry as Field).check === 'function';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Fills absent fields from `defaults` and checks every field, collecting problems.
 * Keys the schema does not know are kept untouched (the reference ignores them too).
 */
function resolve(
  schema: Schema,
  input: Record<string, unknown>,
  defaults: Record<string, unknown> | undefined,
  path: string,
  problems: string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...input };
  for (const [key, entry] of Object.entries(schema)) {
    const where = path ? `${path}.${key}` : key;
    const given = input[key];
    if (isField(entry)) {
      // The reference yaml leaves some fields empty (null) to be filled in at run time.
      const absent = given === undefined || (given === null && key !== 'num_labels');
      if (absent) {
        if (entry.required || defaults === undefined || defaults[key] === undefined) problems.push(`${where} is missing (expected ${entry.check(undefined)})`);
        else out[key] = structuredClone(defaults[key]);
        continue;
      }
      const expected = entry.check(given);
      if (expected) problems.push(`${where} must be ${expected}, got ${JSON.stringify(given)}`);
    } else {
      const sub = defaults && isPlainObject(defaults[key]) ? (defaults[key] as Record<string, unknown>) : undefined;
      if (given === undefined || given === null) {
        out[key] = resolve(entry, {}, sub, where, problems);
      } else if (!isPlainObject(given)) {
        problems.push(`${where} must be an object, got ${JSON.stringify(given)}`);
      } else {
        out[key] = resolve(entry, given, sub, where, problems);
      }
    }
  }
  return out;
}

function crossChecks(c: CrammedBertConfig, problems: string[]): void {
  const heads = c.attention.num_attention_heads;
  if (isInteger(c.hidden_size) && isInteger(heads) && heads > 0 && c.hidden_size % heads !== 0) {
    problems.push(`hidden_size ${c.hidden_size} must be divisible by attention.num_attention_heads ${heads}`);
  }
  if (c.embedding.embedding_dim !== c.hidden_size) {
    problems.push(`embedding.embedding_dim ${c.embedding.embedding_dim} must equal hidden_size ${c.hidden_size} (crammedBERT ties them)`);
  }
  if (isInteger(c.embedding.pad_token_id) && isInteger(c.embedding.vocab_size) && c.embedding.pad_token_id >= c.embedding.vocab_size) {
    problems.push(`embedding.pad_token_id ${c.embedding.pad_token_id} must be below embedding.vocab_size ${c.embedding.vocab_size}`);
  }
  const head = c.classification_head;
  if (head.include_ff_layer === false && head.head_dim !== c.hidden_size) {
    problems.push(`classification_head.head_dim ${head.head_dim} must equal hidden_size ${c.hidden_size} when include_ff_layer is false`);
  }
  const values = modelValues(c);
  if (values > CONFIG_LIMITS.modelValues) {
    problems.push(
      `the model would hold ${values.toExponential(2)} float32 values (weights and positional table), more than the limit of ${CONFIG_LIMITS.modelValues} (4 GiB)`,
    );
  }
}

/** Float32 values of every weight and of the positional table, counted without allocating any. */
function modelValues(c: CrammedBertConfig): number {
  const h = c.hidden_size;
  const ffn = c.intermed_type === 'fff' ? fffNeurons(c) * (2 * h + 1) : 2 * c.intermed_size * h;
  const layer = 4 * h + 1 + 4 * h * h + ffn;
  const head =
    c.num_labels === null
      ? 0
      : (c.classification_head.include_ff_layer ? (h + 1) * c.classification_head.head_dim : 0) + (c.classification_head.head_dim + 1) * c.num_labels;
  return (c.embedding.vocab_size + c.embedding.max_seq_length + 4) * h + c.num_transformer_layers * layer + head;
}

/**
 * The `model_type`s a config.json wrapping `arch` may have, with the classes its `architectures` may name for
 * a masked LM and a classifier: the reference's `crammedBertConfig` (what `save_pretrained` writes; its
 * `ScriptableLMForSCRIPTTraining` is not built here) and the BERT-shaped config.json that `ufbert export`
 * writes for transformers.js.
 */
const HF_MODEL_CLASSES: Readonly<Record<string, { mlm: string; classifier: string }>> = {
  crammedBERT: { mlm: 'ScriptableLMForPreTraining', classifier: 'ScriptableLMForSequenceClassification' },
  bert: { mlm: 'BertForMaskedLM', classifier: 'BertForSequenceClassification' },
};

const quoted = (values: readonly string[]) => values.map((v) => JSON.stringify(v)).join(', ');

/**
 * Checks the Hugging Face wrapper of a config.json (`{ arch, model_type, architectures, ... }`) and returns its
 * `arch`, or undefined when `arch` is not an object (a problem is recorded). Other keys `save_pretrained` writes
 * (`torch_dtype`, `transformers_version`) are ignored, as the reference ignores them.
 */
function unwrapArch(json: Record<string, unknown>, problems: string[]): Record<string, unknown> | undefined {
  const modelType = json.model_type;
  if (modelType !== undefined && !(typeof modelType === 'string' && Object.hasOwn(HF_MODEL_CLASSES, modelType))) {
    problems.push(
      `model_type must be one of ${quoted(Object.keys(HF_MODEL_CLASSES))} (the reference's crammedBertConfig, ufbert export's), got ${JSON.stringify(modelType)}`,
    );
  }
  const arch = json.arch;
  if (!isPlainObject(arch)) {
    problems.push(`arch must be an object (the reference arch config), got ${JSON.stringify(arch)}`);
    return undefined;
  }
  const classes = json.architectures;
  if (classes === undefined) return arch;
  const families =
    typeof modelType === 'string' && Object.hasOwn(HF_MODEL_CLASSES, modelType) ? [HF_MODEL_CLASSES[modelType]] : Object.values(HF_MODEL_CLASSES);
  const known = families.flatMap((family) => [family.mlm, family.classifier]);
  const role = arch.num_labels === null || arch.num_labels === undefined ? 'mlm' : 'classifier';
  if (!Array.isArray(classes) || classes.length !== 1 || !known.includes(classes[0])) {
    problems.push(`architectures must name one of ${quoted(known)}, got ${JSON.stringify(classes)}`);
  } else if (!families.some((family) => family[role] === classes[0])) {
    problems.push(
      `architectures names ${classes[0]}, but arch.num_labels ${JSON.stringify(arch.num_labels ?? null)} makes the model a ${role === 'mlm' ? 'masked LM' : 'classifier'}`,
    );
  }
  return arch;
}

/**
 * Reads a reference `arch` config: the contents of model_config.json, or a Hugging Face config.json as the
 * reference's `push_to_hub` writes it, `{ "arch": {...}, "model_type": "crammedBERT", "architectures": [...] }`
 * (problems inside it are named `arch.<field>`). Absent optional fields take the crammed-bert.yaml defaults;
 * every problem is reported in one ConfigError.
 */
export function parseConfig(json: unknown): CrammedBertConfig {
  if (!isPlainObject(json)) throw new ConfigError('model config', [`expected a JSON object, got ${JSON.stringify(json)}`]);
  const problems: string[] = [];
  const wrapped = Object.hasOwn(json, 'arch');
  const arch = wrapped ? unwrapArch(json, problems) : json;
  if (arch === undefined) throw new ConfigError('model config', problems);
  const where = wrapped ? 'arch.' : '';
  const base = defaultConfig() as unknown as Record<string, unknown>;
  // embedding_dim defaults to hidden_size, as the yaml's ${arch.hidden_size} interpolation does.
  if (isInteger(arch.hidden_size)) (base.embedding as Record<string, unknown>).embedding_dim = arch.hidden_size;
  if (arch.intermed_type === 'fff' && arch.intermed_depth === undefined) {
    problems.push(`${where}intermed_depth is missing (expected an integer in [0, ${CONFIG_LIMITS.intermed_depth}] for intermed_type fff)`);
  }
  const config = resolve(SCHEMA, arch, base, wrapped ? 'arch' : '', problems) as unknown as CrammedBertConfig;
  if (problems.length === 0) crossChecks(config, problems);
  if (problems.length) throw new ConfigError('model config', problems);
  return config;
}

/** Builds a validated config from the crammedBERT defaults and the given overrides (any depth). */
export function createConfig(overrides: CrammedBertConfigInput = {}): CrammedBertConfig {
  const merged = mergeDeep(defaultConfig() as unknown as Record<string, unknown>, overrides as Record<string, unknown>);
  if (overrides.hidden_size !== undefined && overrides.embedding?.embedding_dim === undefined) {
    (merged.embedding as Record<string, unknown>).embedding_dim = overrides.hidden_size;
  }
  return parseConfig(merged);
}

function mergeDeep(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) continue;
    out[key] = isPlainObject(value) && isPlainObject(base[key]) ? mergeDeep(base[key] as Record<string, unknown>, value) : value;
  }
  return out;
}

export function headDim(config: CrammedBertConfig): number {
  return config.hidden_size / config.attention.num_attention_heads;
}

/** Neurons per FFF layer of this config, N = k (2^(d+1) - 1): @ufbert/fff's neuronCount of its trees and depth. */
export function fffNeurons(config: CrammedBertConfig): number {
  return neuronCount({ trees: config.intermed_size, depth: config.intermed_depth });
}

export function isClassifier(config: CrammedBertConfig): boolean {
  return config.num_labels !== null;
}
