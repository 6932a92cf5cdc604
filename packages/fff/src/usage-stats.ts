import { UfbertError } from '@ufbert/tensor';
import { nodesPerTree } from '@ufbert/cmm';
import type { FFFConfig } from './config.js';
import type { TreeRoute } from './route.js';

export interface SubtreeLoad {
  tree: number;
  /** Heap index of the subtree's root within its tree. */
  node: number;
  level: number;
  /** Share of the tree's tokens that entered this subtree. */
  share: number;
  /** What a balanced tree would send there: 2^-level. */
  expectedShare: number;
}

export interface UsageReport {
  tokens: number;
  /** Visits per neuron, tree-major [k * n]. */
  visits: Float64Array;
  /** Leaves no token reached, as global neuron indices. */
  deadLeaves: number[];
  /** Share of the leaves that were never reached. */
  deadLeafShare: number;
  /** Subtrees that took more than `overloadFactor` times their balanced share, heaviest first. */
  overloaded: SubtreeLoad[];
  /** Distinct leaves reached, per tree. */
  leavesUsed: number[];
  /** Entropy in bits of the leaf (equivalently, route) distribution over the tokens, per tree: 0 when all share one route. */
  leafEntropy: number[];
  /** leafEntropy divided by its maximum (depth bits), per tree (1 = perfectly balanced). */
  leafBalance: number[];
}

/**
 * Counts node visits over batches: the one implementation of route usage and leaf entropy
 * (the trainer's validation report and the playground's route view read it). Dead subtrees (never reached, so never trained) and
 * overloaded ones (a tree that routes most tokens one way degenerates into a smaller
 * tree) are what an FFF user watches for.
 */
export class NodeUsage {
  readonly visits: Float64Array;
  private tokens = 0;
  private readonly n: number;

  constructor(private readonly config: Pick<FFFConfig, 'depth' | 'trees'>) {
    this.n = nodesPerTree(config.depth);
    this.visits = new Float64Array(this.n * config.trees);
  }

  /** Adds the visited nodes [B, k, d+1] (global neuron indices) of one batch. */
  record(nodes: Int32Array): void {
    const perToken = this.config.trees * (this.config.depth + 1);
    if (nodes.length % perToken !== 0) {
      throw new UfbertError(`expected visited nodes of shape [B, ${this.config.trees}, ${this.config.depth + 1}], got ${nodes.length} values`);
    }
    for (let i = 0; i < nodes.length; i++) this.visits[nodes[i]]++;
    this.tokens += nodes.length / perToken;
  }

  /**
   * Adds tokens' routes through this layer, each token's one TreeRoute per tree (heap
   * indices within the tree, as treeRoute gives them).
   */
  recordTreeRoutes(tokens: ReadonlyArray<readonly TreeRoute[]>): void {
    const { trees, depth } = this.config;
    const levels = depth + 1;
    const nodes = new Int32Array(tokens.length * trees * levels);
    tokens.forEach((routes, token) => {
      if (routes.length !== trees) throw new UfbertError(`expected a route per tree (${trees}) for token ${token}, got ${routes.length}`);
      routes.forEach((route, tree) => {
        const where = `for token ${token}, tree ${tree}`;
        if (route.nodes.length !== levels) throw new UfbertError(`expected routes of ${levels} nodes (depth ${depth}), got ${route.nodes.length} ${where}`);
        route.nodes.forEach((node, level) => {
          if (!Number.isInteger(node) || node < 0 || node >= this.n) throw new UfbertError(`expected heap indices in [0, ${this.n}), got ${node} ${where}`);
          nodes[(token * trees + tree) * levels + level] = tree * this.n + node;
        });
      });
    });
    this.record(nodes);
  }

  reset(): void {
    this.visits.fill(0);
    this.tokens = 0;
  }

  report(overloadFactor = 2): UsageReport {
    const { depth, trees } = this.config;
    const n = this.n;
    // the leaves are the last level: every node below the tree of depth - 1
    const firstLeaf = depth === 0 ? 0 : nodesPerTree(depth - 1);
    const deadLeaves: number[] = [];
    const overloaded: SubtreeLoad[] = [];
    const leafBalance: number[] = [];
    const leafEntropy: number[] = [];
    const leavesUsed: number[] = [];
    for (let t = 0; t < trees; t++) {
      const base = t * n;
      let entropy = 0;
      let used = 0;
      for (let leaf = firstLeaf; leaf < n; leaf++) {
        const v = this.visits[base + leaf];
        if (v === 0) deadLeaves.push(base + leaf);
        else if (this.tokens > 0) {
          used++;
          const p = v / this.tokens;
          entropy -= p * Math.log2(p);
        }
      }
      // -0 where every token takes one route
      leafEntropy.push(Math.abs(entropy));
      leavesUsed.push(used);
      leafBalance.push(depth === 0 ? 1 : Math.abs(entropy) / depth);
      for (let node = 1; node < n; node++) {
        const level = Math.floor(Math.log2(node + 1));
        const share = this.tokens ? this.visits[base + node] / this.tokens : 0;
        const expectedShare = 2 ** -level;
        if (share > overloadFactor * expectedShare) overloaded.push({ tree: t, node, level, share, expectedShare });
      }
    }
    overloaded.sort((a, b) => b.share / b.expectedShare - a.share / a.expectedShare);
    const leaves = trees * (n - firstLeaf);
    return {
      tokens: this.tokens,
      visits: this.visits.slice(),
      deadLeaves,
      deadLeafShare: deadLeaves.length / leaves,
      overloaded,
      leavesUsed,
      leafEntropy,
      leafBalance,
    };
  }
}
