import { setBackend, type Device } from '@ufbert/tensor';
import { TextTokenizer, loadModel } from '@ufbert/crammed-bert';
import { fffRoutesOfModel, type TokenRoutes } from './fff-routes-of-model.js';

/**
 * The path every token of `text` takes through every FFF tree of the model in `dir`
 * (model.safetensors, model_config.json, tokenizer.json), on tfjs with ufbert's own kernels:
 * what `ufbert routes` prints and a page can draw.
 */
export async function fffRoutes(dir: string, text: string, options: { device?: Device | 'auto' } = {}): Promise<TokenRoutes[]> {
  if (options.device) await setBackend(options.device);
  const tokenizer = await TextTokenizer.load(dir);
  const model = await loadModel(dir);
  try {
    return await fffRoutesOfModel(model, tokenizer, text);
  } finally {
    model.dispose();
  }
}
