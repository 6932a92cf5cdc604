import { setBackend, type Device } from '@ufbert/tensor';
import { CONFIG_FILE, HF_CONFIG_FILE, MODEL_FILE, TOKENIZER_CONFIG_FILE, TOKENIZER_FILE, loadCheckpoint, readModelFolder } from '@ufbert/crammed-bert';
import { readModelFolderSnapshot } from '@ufbert/crammed-bert/node';
import { fffRoutesOfModel, type TokenRoutes } from './fff-routes-of-model.js';

/**
 * The path every token of `text` takes through every FFF tree of the model in `dir`
 * (model.safetensors, model_config.json, tokenizer.json, read as one snapshot by the same
 * reader as the pipelines), on tfjs with ufbert's own kernels: what `ufbert routes` prints and a page can draw.
 */
export async function fffRoutes(dir: string, text: string, options: { device?: Device | 'auto' } = {}): Promise<TokenRoutes[]> {
  if (options.device) await setBackend(options.device);
  const parts = await readModelFolder(
    await readModelFolderSnapshot(dir, [MODEL_FILE, CONFIG_FILE, HF_CONFIG_FILE, TOKENIZER_FILE, TOKENIZER_CONFIG_FILE]),
    dir,
  );
  const model = await loadCheckpoint(parts.weights, parts.config, { where: `${dir}/${MODEL_FILE}` });
  try {
    return await fffRoutesOfModel(model, parts.tokenizer, text);
  } finally {
    model.dispose();
  }
}
