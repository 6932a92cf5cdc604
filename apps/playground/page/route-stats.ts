import { NodeUsage, nodesPerTree } from '@ufbert/fff';
import type { TokenRoutes } from '@ufbert/pipelines/web';

/** How one tree of one layer was used over a whole text. */
export interface TreeUsage {
  layer: number;
  tree: number;
  /** Tokens that visited each node, by heap index. */
  visits: number[];
  /** Distinct leaves reached, of `leaves`. */
  leavesUsed: number;
  leaves: number;
  /** Entropy in bits of the leaf (equivalently, route) distribution over the tokens: 0 when all share one route, log2(tokens) at most. */
  leafEntropy: number;
}

/** Per layer and tree: node visits, leaves used and leaf entropy over the tokens of `routes`, counted by @ufbert/fff's NodeUsage. */
export function treeUsage(routes: readonly TokenRoutes[]): TreeUsage[] {
  if (routes.length === 0) return [];
  return routes[0].layers.flatMap((firstTrees, layer) => {
    const shape = { trees: firstTrees.length, depth: firstTrees[0].nodes.length - 1 };
    const usage = new NodeUsage(shape);
    usage.recordTreeRoutes(routes.map((token) => token.layers[layer]));
    const report = usage.report();
    const n = nodesPerTree(shape.depth);
    return firstTrees.map((_, tree) => ({
      layer,
      tree,
      visits: Array.from(report.visits.subarray(tree * n, (tree + 1) * n)),
      leavesUsed: report.leavesUsed[tree],
      leaves: 2 ** shape.depth,
      leafEntropy: report.leafEntropy[tree],
    }));
  });
}
