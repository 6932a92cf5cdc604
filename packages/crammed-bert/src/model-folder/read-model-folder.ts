import { parseConfig, type CrammedBertConfig } from '../config.js';
import { ConfigError, ModelFolderError } from '../errors.js';
import { TextTokenizer } from '../tokenizer/tokenizer.js';
import { CONFIG_FILE, HF_CONFIG_FILE, MODEL_FILE, SPECIAL_TOKENS_MAP_FILE, TOKENIZER_CONFIG_FILE, TOKENIZER_FILE } from './file-names.js';
import { readLabels } from './labels.js';

/** A file's bytes by its name in the folder, or undefined when the folder has no such file. */
export type ReadModelFile = (name: string) => Promise<Uint8Array | undefined>;

/** What a model folder's config files say. */
export interface ModelFolderConfig {
  config: CrammedBertConfig;
  /** The label names of a classifier, from config.json's `id2label` (else model_config.json's), when it has them. */
  labels: string[] | undefined;
}

/** A model folder read whole: config, weights (safetensors bytes), tokenizer and label names. */
export interface ModelFolderParts extends ModelFolderConfig {
  weights: Uint8Array;
  tokenizer: TextTokenizer;
}

/**
 * The config of a model folder: model_config.json (the reference `arch` config), or a Hugging
 * Face config.json with the `arch` config inside; `where` (a folder, "the model bytes") names it in errors.
 */
export async function readModelConfig(read: ReadModelFile, where: string): Promise<ModelFolderConfig> {
  const ours = await readJson(read, CONFIG_FILE, where);
  const huggingFace = await readJson(read, HF_CONFIG_FILE, where);
  const [file, json] = ours ? [CONFIG_FILE, ours] : [HF_CONFIG_FILE, huggingFace];
  if (!json) throw new ModelFolderError(`expected ${CONFIG_FILE} or ${HF_CONFIG_FILE} in ${where}, found neither`);
  let config: CrammedBertConfig;
  try {
    config = parseConfig(json);
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(`${where}/${file}`, error.problems);
    throw error;
  }
  const labels = (huggingFace && readLabels(huggingFace, `${where}/${HF_CONFIG_FILE}`)) ?? (ours && readLabels(ours, `${where}/${CONFIG_FILE}`));
  return { config, labels };
}

/** The tokenizer of a model folder: tokenizer.json, with tokenizer_config.json and special_tokens_map.json when present. */
export async function readModelTokenizer(read: ReadModelFile, where: string): Promise<TextTokenizer> {
  const json = await readJson(read, TOKENIZER_FILE, where);
  if (!json) throw new ModelFolderError(`expected ${TOKENIZER_FILE} in ${where}, found none`);
  return TextTokenizer.fromJSON(json, (await readJson(read, TOKENIZER_CONFIG_FILE, where)) ?? {}, (await readJson(read, SPECIAL_TOKENS_MAP_FILE, where)) ?? {});
}

/** The checkpoint's bytes (model.safetensors), checked only for being there: `loadCheckpoint` checks the rest. */
export async function readModelWeights(read: ReadModelFile, where: string): Promise<Uint8Array> {
  const weights = await read(MODEL_FILE);
  if (!weights) throw new ModelFolderError(`expected ${MODEL_FILE} in ${where}, found none`);
  return weights;
}

/** Every part of a model folder a pipeline needs, each read once. */
export async function readModelFolder(read: ReadModelFile, where: string): Promise<ModelFolderParts> {
  const { config, labels } = await readModelConfig(read, where);
  return { config, labels, tokenizer: await readModelTokenizer(read, where), weights: await readModelWeights(read, where) };
}

/** A JSON object file of the folder, or undefined when it is absent. */
async function readJson(read: ReadModelFile, file: string, where: string): Promise<Record<string, unknown> | undefined> {
  const bytes = await read(file);
  if (!bytes) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    throw new ModelFolderError(`expected ${file} in ${where} to be UTF-8 JSON: ${(error as Error).message}`);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json))
    throw new ModelFolderError(`expected ${file} in ${where} to hold a JSON object, got ${Array.isArray(json) ? 'an array' : typeof json}`);
  return json as Record<string, unknown>;
}
