import { tf } from '@ufbert/tensor';
import { checkTokenBatch, treeRoute, type CrammedBertModel, type TextTokenizer, type TreeRoute } from '@ufbert/crammed-bert';
import { describeValue } from './describe-value.js';
import { PipelineError } from './errors.js';

export type { TreeRoute };

/** A token's routes through every FFF layer of a model. */
export interface TokenRoutes {
  token: string;
  /** Per FFF layer, per tree. */
  layers: TreeRoute[][];
}

/**
 * The route every token of `text` takes through every FFF tree of a loaded model, on the
 * active tfjs backend with ufbert's own kernels. Needs no file system, so a page runs the
 * same code as `fffRoutes(dir, text)` and `ufbert routes`.
 */
export async function fffRoutesOfModel(model: CrammedBertModel, tokenizer: TextTokenizer, text: string): Promise<TokenRoutes[]> {
  if (typeof text !== 'string') throw new PipelineError(`expected the text whose routes to trace as a string, got ${describeValue(text)}`);
  const config = model.config;
  if (config.intermed_type !== 'fff') throw new PipelineError('routes need a model with FFF blocks; this one has dense feedforward blocks');
  const encoded = tokenizer.encodeBatch([text]);
  const window = config.embedding.max_seq_length;
  if (encoded.lengths[0] > window) throw new PipelineError(`the text is ${encoded.lengths[0]} tokens, more than the model's window of ${window}`);
  // The ids reach tfjs's Gather: out of the vocabulary (a tokenizer larger than the model's) it fails its own way, or reads zeros.
  checkTokenBatch(encoded, config);
  const ids = tf.tensor2d(encoded.inputIds, undefined, 'int32');
  const mask = tf.tensor2d(encoded.attentionMask, undefined, 'int32');
  let layers: Awaited<ReturnType<typeof model.fffRoutes>>;
  try {
    layers = await model.fffRoutes(ids, mask);
  } finally {
    tf.dispose([ids, mask]);
  }
  const shape = { trees: config.intermed_size, depth: config.intermed_depth };
  const { tokens } = tokenizer.encode(text);
  return tokens.map((token, t) => ({
    token,
    layers: layers.map((routes) => Array.from({ length: shape.trees }, (_, tree) => treeRoute(routes, shape, t, tree))),
  }));
}
