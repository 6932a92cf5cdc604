import { CONFIG_FILE, SPECIAL_TOKENS_MAP_FILE, TOKENIZER_CONFIG_FILE, TOKENIZER_FILE, TextTokenizer, type InferenceRuntime } from '@ufbert/crammed-bert';
import type { Dtype } from '@ufbert/onnx/dtype';
import { ModelLoadError } from './errors.js';
import { labelsFromConfig } from './labels.js';
import { HF_CONFIG_FILE } from './model-files.js';

/** A model ready to run: its runtime, the weights' precision it runs, its tokenizer and its label names (from the config, when it has them). */
export interface LoadedModel {
  runtime: InferenceRuntime;
  dtype: Dtype;
  tokenizer: TextTokenizer;
  id2label: string[] | undefined;
}

/** What the files beside the weights say: the tokenizer, the model's config as JSON and its label names. */
export interface ModelFileParts {
  tokenizer: TextTokenizer;
  configJson: Record<string, unknown>;
  id2label: string[] | undefined;
}

/**
 * Tokenizer, config and label names from the files' contents (`read` gives a file's bytes
 * or undefined), with `where` (a folder, "the model bytes") and the file that was wrong in any error.
 */
export function parseModelFiles(read: (file: string) => Uint8Array | undefined, where: string): ModelFileParts {
  const json = (file: string): Record<string, unknown> | undefined => {
    const bytes = read(file);
    if (!bytes) return undefined;
    try {
      return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
    } catch (error) {
      throw new ModelLoadError(`expected ${file} in ${where} to be JSON: ${(error as Error).message}`);
    }
  };
  const tokenizerJson = json(TOKENIZER_FILE);
  if (!tokenizerJson) throw new ModelLoadError(`expected ${TOKENIZER_FILE} in ${where}`);
  const ours = json(CONFIG_FILE);
  const huggingFace = json(HF_CONFIG_FILE);
  const configJson = ours ?? huggingFace;
  if (!configJson) throw new ModelLoadError(`expected ${CONFIG_FILE} or ${HF_CONFIG_FILE} in ${where}`);
  const id2label = (huggingFace && labelsFromConfig(huggingFace, `${where}/${HF_CONFIG_FILE}`)) ?? (ours && labelsFromConfig(ours, `${where}/${CONFIG_FILE}`));
  return { tokenizer: TextTokenizer.fromJSON(tokenizerJson, json(TOKENIZER_CONFIG_FILE) ?? {}, json(SPECIAL_TOKENS_MAP_FILE) ?? {}), configJson, id2label };
}
