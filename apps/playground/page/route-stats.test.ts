import { describe, expect, it } from 'vitest';
import type { TokenRoutes } from '@ufbert/pipelines/web';
import { treeUsage } from './route-stats.js';

/** A token whose one tree of depth 2 takes `path` in its one layer. */
function token(path: string): TokenRoutes {
  const nodes = [0];
  for (const turn of path) nodes.push(2 * nodes[nodes.length - 1] + (turn === 'R' ? 2 : 1));
  return { token: path, layers: [[{ nodes, path, logits: nodes.map(() => 0) }]] };
}

describe('treeUsage', () => {
  it('counts node visits and leaves, and gives 0 bits when every token shares a path', () => {
    const [usage] = treeUsage([token('LL'), token('LL'), token('LL')]);
    expect(usage.visits).toEqual([3, 3, 0, 3, 0, 0, 0]);
    expect(usage).toMatchObject({ layer: 0, tree: 0, leavesUsed: 1, leaves: 4, leafEntropy: 0 });
  });

  it('gives log2(4) = 2 bits for four tokens on four different paths, 1.5 bits for shares of 1/2, 1/4, 1/4', () => {
    expect(treeUsage([token('LL'), token('LR'), token('RL'), token('RR')])[0]).toMatchObject({ leavesUsed: 4, leafEntropy: 2, visits: [4, 2, 2, 1, 1, 1, 1] });
    expect(treeUsage([token('LL'), token('LL'), token('LR'), token('RR')])[0].leafEntropy).toBeCloseTo(1.5, 12);
  });

  it('is empty for no tokens', () => {
    expect(treeUsage([])).toEqual([]);
  });
});
