import { describe, expect, it } from 'vitest';
import { NodeUsage } from './usage-stats.js';

describe('NodeUsage', () => {
  it('finds dead leaves and overloaded subtrees', () => {
    // depth 2, one tree: every token goes 0 -> 1 -> 3, so leaves 4, 5, 6 are dead and subtree 1 takes all tokens.
    const usage = new NodeUsage({ depth: 2, trees: 1 });
    usage.record(new Int32Array([0, 1, 3, 0, 1, 3]));
    const r = usage.report();
    expect(r.deadLeaves).toEqual([4, 5, 6]);
    expect(r.deadLeafShare).toBe(0.75);
    expect(r.overloaded[0]).toMatchObject({ node: 3, level: 2, share: 1, expectedShare: 0.25 });
    expect(r.leafBalance).toEqual([0]);
    expect(r.leafEntropy).toEqual([0]);
    expect(r.leavesUsed).toEqual([1]);
    expect(() => usage.record(new Int32Array(4))).toThrow('expected visited nodes of shape [B, 1, 3]');
  });

  it('gives the leaf entropy in bits: log2(4) = 2 for four tokens on four routes, 1.5 for shares of 1/2, 1/4, 1/4', () => {
    const spread = new NodeUsage({ depth: 2, trees: 1 });
    spread.record(new Int32Array([0, 1, 3, 0, 1, 4, 0, 2, 5, 0, 2, 6]));
    expect(spread.report()).toMatchObject({ leavesUsed: [4], leafEntropy: [2], leafBalance: [1], deadLeaves: [] });
    const skewed = new NodeUsage({ depth: 2, trees: 1 });
    skewed.record(new Int32Array([0, 1, 3, 0, 1, 3, 0, 1, 4, 0, 2, 6]));
    expect(skewed.report().leafEntropy[0]).toBeCloseTo(1.5, 12);
    expect(skewed.report().leavesUsed).toEqual([3]);
  });
});
