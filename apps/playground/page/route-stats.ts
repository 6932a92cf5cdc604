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
  /** Entropy in bits of the leaf (equivalently, path) distribution over the tokens: 0 when all share one path, log2(tokens) at most. */
  pathEntropy: number;
}

/** Per layer and tree: node visits, leaves used and path entropy over the tokens of `routes`. */
export function treeUsage(routes: readonly TokenRoutes[]): TreeUsage[] {
  if (routes.length === 0) return [];
  const usage: TreeUsage[] = [];
  routes[0].layers.forEach((trees, layer) =>
    trees.forEach((first, tree) => {
      const levels = first.nodes.length;
      const visits = new Array<number>(2 ** levels - 1).fill(0);
      const leafCounts = new Map<number, number>();
      for (const token of routes) {
        const { nodes } = token.layers[layer][tree];
        for (const node of nodes) visits[node]++;
        const leaf = nodes[levels - 1];
        leafCounts.set(leaf, (leafCounts.get(leaf) ?? 0) + 1);
      }
      let pathEntropy = 0;
      for (const count of leafCounts.values()) {
        const p = count / routes.length;
        pathEntropy -= p * Math.log2(p);
      }
      usage.push({ layer, tree, visits, leavesUsed: leafCounts.size, leaves: 2 ** (levels - 1), pathEntropy: Math.abs(pathEntropy) });
    }),
  );
  return usage;
}
