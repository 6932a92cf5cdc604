import { FILE_LIMITS, readFolderSnapshot } from '@ufbert/tensor/node';
import { CONFIG_FILE, HF_CONFIG_FILE, MODEL_FILE, TOKENIZER_CONFIG_FILE, TOKENIZER_FILE } from '../model-folder/file-names.js';
import type { ReadModelFile } from '../model-folder/read-model-folder.js';

/** The largest file read for each name of a model folder: a device or a wrong file fails before memory is spent on it. */
const LIMITS: Readonly<Record<string, number>> = {
  [MODEL_FILE]: FILE_LIMITS.weights,
  [CONFIG_FILE]: FILE_LIMITS.config,
  [HF_CONFIG_FILE]: FILE_LIMITS.config,
  [TOKENIZER_FILE]: FILE_LIMITS.tokenizer,
  [TOKENIZER_CONFIG_FILE]: FILE_LIMITS.json,
};

/**
 * The files `names` of the model folder `dir`, read as one consistent snapshot (checked
 * against the folder's manifest, so a save racing this read gives the old folder or the new,
 * never a mix; a folder without a manifest, as Python writes it, is read as it is), served
 * to the pure reader of `@ufbert/crammed-bert` as a `read(name)` function.
 */
export async function readModelFolderSnapshot(dir: string, names: readonly string[]): Promise<ReadModelFile> {
  const maxBytes = Object.fromEntries(names.map((name) => [name, Object.hasOwn(LIMITS, name) ? LIMITS[name] : FILE_LIMITS.json]));
  // Every name optional here: which files a model needs is the pure reader's call, in its own words.
  const { files } = await readFolderSnapshot(dir, names, { maxBytes, optional: names, what: 'model folder' });
  return async (name) => (Object.hasOwn(files, name) ? files[name] : undefined);
}
