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
    expect(() => usage.record(new Int32Array(4))).toThrow('expected visited nodes of shape [B, 1, 3]');
  });
});
