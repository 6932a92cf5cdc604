/**
 * Every file name of a model folder, spelled here once. A folder is what `saveModel` writes,
 * what the reference training code and the published checkpoints hold, and what
 * transformers.js loads; the manifest is the guarded file layer's, written when a folder is
 * written as a unit.
 */
export const MODEL_FILE = 'model.safetensors';
/** The reference `arch` config. */
export const CONFIG_FILE = 'model_config.json';
/** A Hugging Face config: label names (`id2label`, `label2id`) and, from our export, the `arch` config inside. */
export const HF_CONFIG_FILE = 'config.json';
export const TOKENIZER_FILE = 'tokenizer.json';
export const TOKENIZER_CONFIG_FILE = 'tokenizer_config.json';
export const SPECIAL_TOKENS_MAP_FILE = 'special_tokens_map.json';
/** `{kind, files: {name: {size, sha256}}}`, written last-by-rename with the folder, so a reader can check one consistent snapshot. */
export const MANIFEST_FILE = 'ufbert-manifest.json';
/** onnxruntime's exports of a checkpoint, cached beside it by content (`model-<key>.onnx` and its `.sha256`). */
export const ONNX_CACHE_DIR = 'onnx-cache';
/** transformers.js's local-model layout: the fp32 graph and the one it loads for `dtype: 'q8'`. */
export const ONNX_MODEL_FILE = 'onnx/model.onnx';
export const ONNX_QUANTIZED_MODEL_FILE = 'onnx/model_quantized.onnx';

/** What a model folder's file holds. */
export type ModelFilePart = 'weights' | 'config' | 'hf-config' | 'tokenizer' | 'tokenizer-config' | 'special-tokens-map';

/**
 * The files a model is read from, in the order they are tried, and whether each must be
 * there: one of the two configs is required, which is checked once both were tried.
 * A downloader fetches these; a reader reads them.
 */
export const MODEL_FILES: readonly { file: string; part: ModelFilePart; required: boolean }[] = [
  { file: MODEL_FILE, part: 'weights', required: true },
  { file: TOKENIZER_FILE, part: 'tokenizer', required: true },
  { file: CONFIG_FILE, part: 'config', required: false },
  { file: HF_CONFIG_FILE, part: 'hf-config', required: false },
  { file: TOKENIZER_CONFIG_FILE, part: 'tokenizer-config', required: false },
  { file: SPECIAL_TOKENS_MAP_FILE, part: 'special-tokens-map', required: false },
];

/** What a folder was written as: `saveModel`'s checkpoint, a fine-tuned classifier, or transformers.js's layout. */
export type ModelFolderKind = 'ufbert-checkpoint' | 'ufbert-classifier' | 'transformers-js';
