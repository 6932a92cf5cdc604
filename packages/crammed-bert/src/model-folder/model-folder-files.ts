import { serializeSafetensors } from '@ufbert/tensor';
import type { CrammedBertModel } from '../model.js';
import type { TextTokenizer } from '../tokenizer/tokenizer.js';
import { CONFIG_FILE, HF_CONFIG_FILE, MODEL_FILE, TOKENIZER_FILE } from './file-names.js';
import { labelEntries } from './labels.js';

export interface ModelFolderContents {
  /** The tokenizer saved beside the model (tokenizer.json). */
  tokenizer?: TextTokenizer;
  /** A classifier's label names by index, written to config.json as `id2label` / `label2id`. */
  labels?: readonly string[];
  /** More entries of config.json (a fine-tuned classifier's `task`); config.json is written when this or `labels` is given. */
  huggingFaceConfig?: Readonly<Record<string, unknown>>;
  /** Entries of the safetensors header's `__metadata__`. */
  metadata?: Readonly<Record<string, string>>;
}

/**
 * The files of a model folder, by name: model.safetensors (reference names, buffers and
 * `decoder.weight` included), model_config.json, and, when given, tokenizer.json and
 * config.json with the label names. The one writer of a folder's contents: the Node edge
 * writes these as a unit, a page may offer them as downloads.
 */
export async function modelFolderFiles(model: CrammedBertModel, contents: ModelFolderContents = {}): Promise<Record<string, Uint8Array | string>> {
  // format 'pt' last: the reference loader reads it, so no caller's key may replace it.
  const files: Record<string, Uint8Array | string> = {
    [MODEL_FILE]: serializeSafetensors(await model.stateDict(), { ...contents.metadata, format: 'pt' }),
    [CONFIG_FILE]: jsonText(model.config, 1),
  };
  if (contents.tokenizer) files[TOKENIZER_FILE] = contents.tokenizer.toJSONText();
  if (contents.labels || contents.huggingFaceConfig) {
    files[HF_CONFIG_FILE] = jsonText({ ...(contents.labels ? labelEntries(contents.labels) : {}), ...contents.huggingFaceConfig }, 2);
  }
  return files;
}

/** JSON as every file of a folder is written: indented, with a final newline. */
export function jsonText(value: unknown, indent = 2): string {
  return `${JSON.stringify(value, null, indent)}\n`;
}
