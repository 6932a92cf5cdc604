import { join } from 'node:path';
import { writeFolderAtomic } from '@ufbert/tensor/node';
import {
  CONFIG_FILE,
  HF_CONFIG_FILE,
  MODEL_FILE,
  ONNX_MODEL_FILE,
  TOKENIZER_CONFIG_FILE,
  TOKENIZER_FILE,
  loadCheckpoint,
  readModelConfig,
  readModelTokenizer,
  readModelWeights,
} from '@ufbert/crammed-bert';
import { readModelFolderSnapshot } from '@ufbert/crammed-bert/node';
import { OnnxExportError } from '../errors.js';
import { transformersJsFolderFiles, type TransformersJsFolderOptions } from '../transformers-js-folder.js';

export interface TransformersJsFolderWriteOptions extends TransformersJsFolderOptions {
  /** Replace a folder of another kind at `outDir` (a classifier, a checkpoint: moved aside); without it, that is refused. */
  overwrite?: boolean;
}

/**
 * Writes the checkpoint folder `checkpointDir` (read as one snapshot) in transformers.js's
 * local-model layout (see `transformersJsFolderFiles`) to `outDir`, as one unit: built under a
 * temporary sibling with a manifest of SHA-256 digests and swapped into place, so a killed export
 * leaves the old folder whole, and an existing folder of another kind is refused unless `overwrite`.
 * Returns the fp32 graph's path and size.
 */
export async function exportTransformersJsFolder(
  checkpointDir: string,
  outDir: string,
  options: TransformersJsFolderWriteOptions = {},
): Promise<{ path: string; bytes: number }> {
  const read = await readModelFolderSnapshot(checkpointDir, [MODEL_FILE, CONFIG_FILE, HF_CONFIG_FILE, TOKENIZER_FILE, TOKENIZER_CONFIG_FILE]);
  const tokenizerJson = await read(TOKENIZER_FILE);
  if (!tokenizerJson) throw new OnnxExportError(`expected ${checkpointDir}/${TOKENIZER_FILE}: transformers.js needs the tokenizer beside the model`);
  const { config, labels } = await readModelConfig(read, checkpointDir);
  const tokenizer = await readModelTokenizer(read, checkpointDir);
  const model = await loadCheckpoint(await readModelWeights(read, checkpointDir), config, { where: `${checkpointDir}/${MODEL_FILE}` });
  let files: Record<string, Uint8Array | string>;
  try {
    files = await transformersJsFolderFiles({ model: model.eval(), tokenizer, tokenizerJson, labels }, options);
  } finally {
    model.dispose();
  }
  await writeFolderAtomic(outDir, files, { kind: 'transformers-js', overwrite: options.overwrite });
  return { path: join(outDir, ONNX_MODEL_FILE), bytes: (files[ONNX_MODEL_FILE] as Uint8Array).length };
}
