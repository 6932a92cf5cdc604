// A token's route: the node it visits at each level of each tree of an FFF layer, root to
// leaf, and each visited node's logit (x . w + b, whose sign chose the next level). "Route"
// is the one name for this in every package (not paths, visits or nodes): a layer returns
// routes (FFF.route), a model collects them per layer, NodeUsage counts them.
import { nodesPerTree } from '@ufbert/cmm';
import { tf, UfbertError } from '@ufbert/tensor';
import type { Tensor, Tensor1D, Tensor2D, Tensor3D } from '@ufbert/tensor';

/** What `FFF.route` returns: the layer's output, as `infer` gives it, and its tokens' routes. */
export interface RoutedInference {
  /** [..., O], as `infer` */
  readonly y: Tensor;
  /** [T, k, d+1] int32, the global neuron index (t * n + heap index) visited at each level of each tree */
  readonly nodes: Tensor3D;
  /** [T, k, d+1] float32, the logit of each visited node */
  readonly logits: Tensor3D;
}

/** The routes of T tokens through one layer, read back from `RoutedInference`: both [T, k, d+1] row-major. */
export interface LayerRoutes {
  readonly nodes: Int32Array;
  readonly logits: Float32Array;
}

/** One token's route through one tree. */
export interface TreeRoute {
  /** Heap index within the tree (root 0, children 2i+1 and 2i+2) at each level, root to leaf. */
  nodes: number[];
  /** The turn taken at each level above the leaf: `R` where the logit was > 0, else `L`. */
  path: string;
  /** The logit of each visited node, x . w + b. */
  logits: number[];
}

/**
 * The logits of the visited nodes, [T, k, d+1]: each a dot of x's row with the node's
 * linear_in row, plus its bias, recomputed from the rows `nodes` names (k(d+1) dots of H
 * per token, what the kernel computed on its way down).
 */
export function visitedLogits(x: Tensor2D, linearInWeight: Tensor2D, linearInBias: Tensor1D, nodes: Tensor3D): Tensor3D {
  return tf.tidy(() => {
    const [tokens, width] = x.shape;
    const rows = tf.gather(linearInWeight, nodes);
    return tf.add(tf.sum(tf.mul(rows, tf.reshape(x, [tokens, 1, 1, width])), -1), tf.gather(linearInBias, nodes)) as Tensor3D;
  });
}

/** Token `token`'s route through tree `tree` of a layer of `trees` trees of depth `depth`, from its routes read back. */
export function treeRoute(routes: LayerRoutes, shape: { readonly trees: number; readonly depth: number }, token: number, tree: number): TreeRoute {
  const { trees, depth } = shape;
  const levels = depth + 1;
  const tokens = routes.nodes.length / (trees * levels);
  if (!Number.isInteger(tokens) || routes.logits.length !== routes.nodes.length) {
    const got = `${routes.nodes.length} nodes and ${routes.logits.length} logits`;
    throw new UfbertError(`expected routes of shape [T, ${trees}, ${levels}] (nodes and logits alike), got ${got}`);
  }
  if (!Number.isInteger(token) || token < 0 || token >= tokens) throw new UfbertError(`token must be an integer in [0, ${tokens}), got ${token}`);
  if (!Number.isInteger(tree) || tree < 0 || tree >= trees) throw new UfbertError(`tree must be an integer in [0, ${trees}), got ${tree}`);
  const at = (token * trees + tree) * levels;
  const first = tree * nodesPerTree(depth);
  const nodes = Array.from(routes.nodes.subarray(at, at + levels), (global) => global - first);
  return {
    nodes,
    path: nodes
      .slice(1)
      .map((child) => (child % 2 === 0 ? 'R' : 'L'))
      .join(''),
    logits: Array.from(routes.logits.subarray(at, at + levels)),
  };
}
