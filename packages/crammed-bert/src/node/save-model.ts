import { writeFolderAtomic } from '@ufbert/tensor/node';
import type { CrammedBertModel } from '../model.js';
import { isClassifier } from '../config.js';
import type { ModelFolderKind } from '../model-folder/file-names.js';
import { modelFolderFiles, type ModelFolderContents } from '../model-folder/model-folder-files.js';

export interface SaveModelOptions extends ModelFolderContents {
  /** What the folder is, recorded in its manifest. Default `ufbert-classifier` for a model with a head, else `ufbert-checkpoint`. */
  kind?: ModelFolderKind;
  /** Replace a folder of another kind (it is moved aside); without it, writing over one is refused. */
  overwrite?: boolean;
}

/**
 * Writes the model folder `dir` as one unit: model.safetensors, model_config.json and, when
 * given, tokenizer.json and config.json with the label names, built under a temporary sibling
 * with a manifest of their SHA-256 digests and swapped into place, so a reader sees the old
 * folder or the new one. A folder of another kind is refused unless `overwrite`.
 */
export async function saveModel(model: CrammedBertModel, dir: string, options: SaveModelOptions = {}): Promise<void> {
  const kind = options.kind ?? (isClassifier(model.config) ? 'ufbert-classifier' : 'ufbert-checkpoint');
  await writeFolderAtomic(dir, await modelFolderFiles(model, options), { kind, overwrite: options.overwrite });
}
