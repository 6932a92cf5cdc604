import { copyFile, mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadModel, TextTokenizer, TOKENIZER_CONFIG_FILE, TOKENIZER_FILE, type CrammedBertConfig } from '@ufbert/crammed-bert';
import { onnxModelBytes, writeAtomically, type ExportResult } from './export.js';
import { OnnxExportError } from './errors.js';

export interface TransformersJsFolderOptions {
  fffDenseLevels?: number;
}

/**
 * Writes a checkpoint folder in transformers.js's local-model layout, so that
 * `pipeline('fill-mask', folder)` of @huggingface/transformers runs the conditional
 * UltraFastBERT unchanged: `onnx/model.onnx` (head `all`: logits [batch, sequence, vocab],
 * input names as its BERT models), `config.json` (a BERT-shaped config for its model
 * registry, with the reference `arch` config inside, which @ufbert/crammed-bert's
 * `loadConfig` reads back), `tokenizer.json` and `tokenizer_config.json`.
 */
export async function exportTransformersJsFolder(checkpointDir: string, outDir: string, options: TransformersJsFolderOptions = {}): Promise<ExportResult> {
  const tokenizerFile = join(checkpointDir, TOKENIZER_FILE);
  if (!(await stat(tokenizerFile).catch(() => undefined))?.isFile()) throw new OnnxExportError(`expected ${tokenizerFile}: transformers.js needs the tokenizer beside the model`);
  // The checkpoint first: a bad one leaves no half-made folder behind.
  const model = await loadModel(checkpointDir);
  try {
    await mkdir(join(outDir, 'onnx'), { recursive: true });
  } catch (error) {
    model.dispose();
    throw new OnnxExportError(`cannot create ${join(outDir, 'onnx')}: ${(error as Error).message}`);
  }
  let result: ExportResult;
  let config: CrammedBertConfig;
  try {
    config = model.config;
    result = await writeAtomically(join(outDir, 'onnx', 'model.onnx'), await onnxModelBytes(model.eval(), { head: 'all', fffDenseLevels: options.fffDenseLevels }));
  } finally {
    model.dispose();
  }
  await copyFile(tokenizerFile, join(outDir, TOKENIZER_FILE));
  // transformers.js finds the special tokens (the mask above all) in tokenizer_config.json.
  const tokenizer = await TextTokenizer.load(checkpointDir);
  const special = Object.fromEntries(Object.entries(tokenizer.specialTokens).map(([kind, token]) => [`${kind}_token`, token.token]));
  const tokenizerConfig = { model_max_length: config.embedding.max_seq_length, ...special, ...tokenizer.tokenizerConfig };
  await writeFile(join(outDir, TOKENIZER_CONFIG_FILE), `${JSON.stringify(tokenizerConfig, null, 2)}\n`);
  await writeFile(join(outDir, 'config.json'), `${JSON.stringify(huggingFaceConfig(config), null, 2)}\n`);
  return result;
}

/** A BERT-shaped config.json: what transformers.js reads to pick its model class, plus the reference config under `arch`. */
export function huggingFaceConfig(config: CrammedBertConfig): Record<string, unknown> {
  const classifier = config.num_labels !== null;
  const labels = config.num_labels ?? 0;
  return {
    model_type: 'bert',
    architectures: [classifier ? 'BertForSequenceClassification' : 'BertForMaskedLM'],
    vocab_size: config.embedding.vocab_size,
    hidden_size: config.hidden_size,
    num_hidden_layers: config.num_transformer_layers,
    num_attention_heads: config.attention.num_attention_heads,
    max_position_embeddings: config.embedding.max_seq_length,
    pad_token_id: config.embedding.pad_token_id,
    ...(classifier ? { id2label: Object.fromEntries(Array.from({ length: labels }, (_, i) => [String(i), `LABEL_${i}`])), label2id: Object.fromEntries(Array.from({ length: labels }, (_, i) => [`LABEL_${i}`, i])) } : {}),
    arch: config,
  };
}
