import { tf } from '@ufbert/tensor';
import type { CrammedBertModel, TextTokenizer } from '@ufbert/crammed-bert';
import { PipelineError } from './errors.js';

/** One tree's path for one token in one layer. */
export interface TreeRoute {
  /** Heap index within the tree (root 0, children 2i+1 and 2i+2) at each level, root to leaf. */
  nodes: number[];
  /** The turn taken at each level above the leaf: `R` where the logit was > 0, else `L`. */
  path: string;
  /** The logit of each visited node, x . w + b. */
  logits: number[];
}

export interface TokenRoutes {
  token: string;
  /** Per FFF layer, per tree. */
  layers: TreeRoute[][];
}

/**
 * The path every token of `text` takes through every FFF tree of a loaded model, on the
 * active tfjs backend with ufbert's own kernels. Needs no file system, so a page runs the
 * same code as `fffRoutes(dir, text)` and `ufbert routes`.
 */
export async function fffRoutesOfModel(model: CrammedBertModel, tokenizer: TextTokenizer, text: string): Promise<TokenRoutes[]> {
  const config = model.config;
  if (config.intermed_type !== 'fff') throw new PipelineError('routes need a model with FFF blocks; this one has dense feedforward blocks');
  const encoded = tokenizer.encodeBatch([text]);
  const window = config.embedding.max_seq_length;
  if (encoded.lengths[0] > window) throw new PipelineError(`the text is ${encoded.lengths[0]} tokens, more than the model's window of ${window}`);
  const ids = tf.tensor2d(encoded.inputIds, undefined, 'int32');
  const mask = tf.tensor2d(encoded.attentionMask, undefined, 'int32');
  let layers: Awaited<ReturnType<typeof model.fffRoutes>>;
  try {
    layers = await model.fffRoutes(ids, mask);
  } finally {
    tf.dispose([ids, mask]);
  }
  const trees = config.intermed_size;
  const levels = config.intermed_depth + 1;
  const perTree = 2 ** levels - 1;
  const { tokens } = tokenizer.encode(text);
  return tokens.map((token, t) => ({
    token,
    layers: layers.map(({ nodes, logits }) =>
      Array.from({ length: trees }, (_, k) => {
        const at = (t * trees + k) * levels;
        const heap = Array.from(nodes.subarray(at, at + levels), (global) => global - k * perTree);
        return {
          nodes: heap,
          path: heap.slice(1).map((child) => (child % 2 === 0 ? 'R' : 'L')).join(''),
          logits: Array.from(logits.subarray(at, at + levels)),
        };
      }),
    ),
  }));
}
