import { CONFIG_FILE, MODEL_FILE, SPECIAL_TOKENS_MAP_FILE, TOKENIZER_CONFIG_FILE, TOKENIZER_FILE } from '@ufbert/crammed-bert';

/** A Hugging Face config.json: the label names (and, from our export, the reference config under `arch`). */
export const HF_CONFIG_FILE = 'config.json';

/** The files a model folder, URL or in-memory map provides, and whether each must be there. */
export const MODEL_FILES: readonly { file: string; required: boolean }[] = [
  { file: MODEL_FILE, required: true },
  { file: TOKENIZER_FILE, required: true },
  // One of the two configs is required; which one is checked once both were tried.
  { file: CONFIG_FILE, required: false },
  { file: HF_CONFIG_FILE, required: false },
  { file: TOKENIZER_CONFIG_FILE, required: false },
  { file: SPECIAL_TOKENS_MAP_FILE, required: false },
];

/** Model files already in memory (a browser file picker, a download), by file name. */
export type ModelBytes = ReadonlyMap<string, Uint8Array> | Readonly<Record<string, Uint8Array>>;

/** A folder path, an http(s) URL, or the files' bytes. */
export type ModelSource = string | URL | ModelBytes;

export function bytesMap(files: ModelBytes): ReadonlyMap<string, Uint8Array> {
  return files instanceof Map ? files : new Map(Object.entries(files));
}
