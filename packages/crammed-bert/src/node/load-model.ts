import { loadCheckpoint, type LoadCheckpointOptions } from '../load-checkpoint.js';
import type { CrammedBertModel } from '../model.js';
import { CONFIG_FILE, HF_CONFIG_FILE, MODEL_FILE } from '../model-folder/file-names.js';
import { readModelConfig, readModelWeights, type ModelFolderConfig } from '../model-folder/read-model-folder.js';
import { readModelFolderSnapshot } from './model-folder-snapshot.js';

/** The config of the model folder `dir` (model_config.json, or config.json with the `arch` config) and its label names. */
export async function loadModelConfig(dir: string): Promise<ModelFolderConfig> {
  return readModelConfig(await readModelFolderSnapshot(dir, [CONFIG_FILE, HF_CONFIG_FILE]), dir);
}

/**
 * The model of the folder `dir` (model.safetensors and its config), config and weights read as
 * one snapshot: a load racing `saveModel` into the same folder gets the old model or the new.
 */
export async function loadModel(dir: string, options: LoadCheckpointOptions = {}): Promise<CrammedBertModel> {
  const read = await readModelFolderSnapshot(dir, [MODEL_FILE, CONFIG_FILE, HF_CONFIG_FILE]);
  const { config } = await readModelConfig(read, dir);
  return loadCheckpoint(await readModelWeights(read, dir), config, { ...options, where: `${dir}/${MODEL_FILE}` });
}
