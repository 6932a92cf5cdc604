import { dirname, join } from 'node:path';
import { FILE_LIMITS, pathKind, readText, writeFileAtomic } from '@ufbert/tensor/node';
import { TokenizerError } from '../errors.js';
import { SPECIAL_TOKENS_MAP_FILE, TOKENIZER_CONFIG_FILE, TOKENIZER_FILE } from '../model-folder/file-names.js';
import { TextTokenizer } from '../tokenizer/tokenizer.js';

/** From a tokenizer.json path, or a folder holding tokenizer.json (tokenizer_config.json and special_tokens_map.json beside it are read when present). */
export async function loadTokenizer(path: string): Promise<TextTokenizer> {
  const file = pathKind(path) === 'folder' ? join(path, TOKENIZER_FILE) : path;
  const configFile = join(dirname(file), TOKENIZER_CONFIG_FILE);
  const config = pathKind(configFile) === 'missing' ? {} : await readJson(configFile, FILE_LIMITS.json);
  const mapFile = join(dirname(file), SPECIAL_TOKENS_MAP_FILE);
  const specialTokensMap = pathKind(mapFile) === 'missing' ? {} : await readJson(mapFile, FILE_LIMITS.json);
  return TextTokenizer.fromJSON(await readJson(file, FILE_LIMITS.tokenizer), config as Record<string, unknown>, specialTokensMap as Record<string, unknown>);
}

/**
 * Writes tokenizer.json to `path` (a folder gets `path/tokenizer.json`) through a temporary
 * file renamed into place; a FIFO, device or procfs path is refused. Returns the file written.
 * A model folder's tokenizer is better saved with the model (`saveModel(model, dir, { tokenizer })`), as one unit.
 */
export async function saveTokenizer(tokenizer: TextTokenizer, path: string): Promise<string> {
  const file = pathKind(path) === 'folder' ? join(path, TOKENIZER_FILE) : path;
  // A FIFO or device would be replaced by the rename, silently: it is not a tokenizer file, so say so.
  if (pathKind(file) === 'special') throw new TokenizerError(`${file}: is a FIFO, socket or device, expected a regular tokenizer JSON file (or nothing) there`);
  await writeFileAtomic(file, tokenizer.toJSONText(), { what: 'tokenizer JSON file', fail: (message) => new TokenizerError(message) });
  return file;
}

async function readJson(file: string, maxBytes: number): Promise<unknown> {
  const text = await readText(file, { what: 'tokenizer JSON file', maxBytes, fail: (message) => new TokenizerError(message) });
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new TokenizerError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
}
