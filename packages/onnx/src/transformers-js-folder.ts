import {
  HF_CONFIG_FILE,
  ONNX_MODEL_FILE,
  ONNX_QUANTIZED_MODEL_FILE,
  TOKENIZER_CONFIG_FILE,
  TOKENIZER_FILE,
  jsonText,
  labelEntries,
  labelNames,
  type CrammedBertConfig,
  type CrammedBertModel,
  type TextTokenizer,
} from '@ufbert/crammed-bert';
import { onnxModelBytes } from './onnx-model-bytes.js';

export interface TransformersJsFolderOptions {
  fffDenseLevels?: number;
}

/** What a transformers.js folder is made of: the model in eval mode, its tokenizer (and tokenizer.json's bytes, copied as they are) and its label names. */
export interface TransformersJsFolderSource {
  model: CrammedBertModel;
  tokenizer: TextTokenizer;
  tokenizerJson: Uint8Array;
  labels?: readonly string[];
}

/**
 * The files of transformers.js's local-model layout, so that `pipeline('fill-mask', folder)` of
 * @huggingface/transformers runs the conditional UltraFastBERT unchanged: `onnx/model.onnx`
 * (head `all`: logits [batch, sequence, vocab], input names as its BERT models) and
 * `onnx/model_quantized.onnx` (the same graph in `q8`, the file transformers.js loads for
 * `dtype: 'q8'`), `config.json` (a BERT-shaped config for its model registry, with the reference
 * `arch` config inside, which @ufbert/crammed-bert reads back), `tokenizer.json` and `tokenizer_config.json`.
 */
export async function transformersJsFolderFiles(
  source: TransformersJsFolderSource,
  options: TransformersJsFolderOptions = {},
): Promise<Record<string, Uint8Array | string>> {
  const { model, tokenizer } = source;
  const config = model.config;
  const graph = { head: 'all', lastHiddenState: true, fffDenseLevels: options.fffDenseLevels } as const;
  // transformers.js finds the special tokens (the mask above all) in tokenizer_config.json.
  const special = Object.fromEntries(Object.entries(tokenizer.specialTokens).map(([kind, token]) => [`${kind}_token`, token.token]));
  return {
    [ONNX_MODEL_FILE]: await onnxModelBytes(model, graph),
    [ONNX_QUANTIZED_MODEL_FILE]: await onnxModelBytes(model, { ...graph, dtype: 'q8' }),
    [TOKENIZER_FILE]: source.tokenizerJson,
    [TOKENIZER_CONFIG_FILE]: jsonText({ model_max_length: config.embedding.max_seq_length, ...special, ...tokenizer.tokenizerConfig }),
    [HF_CONFIG_FILE]: jsonText(huggingFaceConfig(config, source.labels)),
  };
}

/** A BERT-shaped config.json: what transformers.js reads to pick its model class, plus the reference config under `arch`. */
export function huggingFaceConfig(config: CrammedBertConfig, labelsByIndex?: readonly string[]): Record<string, unknown> {
  const classifier = config.num_labels !== null;
  return {
    model_type: 'bert',
    architectures: [classifier ? 'BertForSequenceClassification' : 'BertForMaskedLM'],
    vocab_size: config.embedding.vocab_size,
    hidden_size: config.hidden_size,
    num_hidden_layers: config.num_transformer_layers,
    num_attention_heads: config.attention.num_attention_heads,
    max_position_embeddings: config.embedding.max_seq_length,
    pad_token_id: config.embedding.pad_token_id,
    ...(classifier ? labelEntries(labelNames(config.num_labels as number, labelsByIndex)) : {}),
    arch: config,
  };
}
