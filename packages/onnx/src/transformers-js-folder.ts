import { copyFile, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
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
 * input names as its BERT models) and `onnx/model_quantized.onnx` (the same graph in `q8`, the
 * file transformers.js loads for `dtype: 'q8'`), `config.json` (a BERT-shaped config for its model
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
    model.eval();
    const graph = { head: 'all', lastHiddenState: true, fffDenseLevels: options.fffDenseLevels } as const;
    result = await writeAtomically(join(outDir, 'onnx', 'model.onnx'), await onnxModelBytes(model, graph));
    // transformers.js's file for `dtype: 'q8'` (its default in the browser).
    await writeAtomically(join(outDir, 'onnx', 'model_quantized.onnx'), await onnxModelBytes(model, { ...graph, dtype: 'q8' }));
  } finally {
    model.dispose();
  }
  await copyFile(tokenizerFile, join(outDir, TOKENIZER_FILE));
  // transformers.js finds the special tokens (the mask above all) in tokenizer_config.json.
  const tokenizer = await TextTokenizer.load(checkpointDir);
  const special = Object.fromEntries(Object.entries(tokenizer.specialTokens).map(([kind, token]) => [`${kind}_token`, token.token]));
  const tokenizerConfig = { model_max_length: config.embedding.max_seq_length, ...special, ...tokenizer.tokenizerConfig };
  await writeFile(join(outDir, TOKENIZER_CONFIG_FILE), `${JSON.stringify(tokenizerConfig, null, 2)}\n`);
  await writeFile(join(outDir, 'config.json'), `${JSON.stringify(huggingFaceConfig(config, await labelNames(checkpointDir)), null, 2)}\n`);
  return result;
}

/** The classifier's label names from the checkpoint's config.json or model_config.json `id2label`, when either names them all. */
async function labelNames(dir: string): Promise<string[] | undefined> {
  for (const file of ['config.json', 'model_config.json']) {
    const json = await readFile(join(dir, file), 'utf8').then((text) => JSON.parse(text) as { id2label?: unknown }).catch(() => undefined);
    const id2label = json?.id2label;
    if (!id2label || typeof id2label !== 'object' || Array.isArray(id2label)) continue;
    const entries = Object.entries(id2label as Record<string, unknown>);
    const names = entries.map((_, i) => (id2label as Record<string, unknown>)[String(i)]);
    if (names.every((name): name is string => typeof name === 'string')) return names;
  }
  return undefined;
}

/** A BERT-shaped config.json: what transformers.js reads to pick its model class, plus the reference config under `arch`. */
export function huggingFaceConfig(config: CrammedBertConfig, labelsByIndex?: readonly string[]): Record<string, unknown> {
  const classifier = config.num_labels !== null;
  const labels = config.num_labels ?? 0;
  const names = Array.from({ length: labels }, (_, i) => (labelsByIndex?.length === labels ? labelsByIndex[i] : `LABEL_${i}`));
  return {
    model_type: 'bert',
    architectures: [classifier ? 'BertForSequenceClassification' : 'BertForMaskedLM'],
    vocab_size: config.embedding.vocab_size,
    hidden_size: config.hidden_size,
    num_hidden_layers: config.num_transformer_layers,
    num_attention_heads: config.attention.num_attention_heads,
    max_position_embeddings: config.embedding.max_seq_length,
    pad_token_id: config.embedding.pad_token_id,
    ...(classifier ? { id2label: Object.fromEntries(names.map((name, i) => [String(i), name])), label2id: Object.fromEntries(names.map((name, i) => [name, i])) } : {}),
    arch: config,
  };
}
