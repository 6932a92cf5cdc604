import { CONFIG_FILE, MODEL_FILE, TOKENIZER_CONFIG_FILE, TOKENIZER_FILE } from '@ufbert/crammed-bert';
import { excerpt } from '@ufbert/tensor';
import { describeValue } from './describe-value.js';
import { ModelLoadError } from './errors.js';

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
];

/** Model files already in memory (a browser file picker, a download), by file name. */
export type ModelBytes = ReadonlyMap<string, Uint8Array> | Readonly<Record<string, Uint8Array>>;

/** A folder path, an http(s) URL, or the files' bytes. */
export type ModelSource = string | URL | ModelBytes;

/** The files by name, each checked to be a Uint8Array (an ArrayBuffer or a string would fail later with a raw TypeError). */
export function bytesMap(files: ModelBytes): ReadonlyMap<string, Uint8Array> {
  const map: ReadonlyMap<unknown, unknown> = files instanceof Map ? files : new Map(Object.entries(files));
  for (const [name, bytes] of map) {
    if (typeof name !== 'string') throw new ModelLoadError(`expected the model files by file name, got a key ${describeValue(name)}`);
    if (!(bytes instanceof Uint8Array)) {
      const hint = bytes instanceof ArrayBuffer ? ' (wrap it: new Uint8Array(buffer))' : '';
      throw new ModelLoadError(`expected the bytes of ${excerpt(name)} as a Uint8Array, got ${describeValue(bytes)}${hint}`);
    }
  }
  return map as ReadonlyMap<string, Uint8Array>;
}
