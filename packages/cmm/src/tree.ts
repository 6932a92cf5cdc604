import { TreeShapeError } from './errors.js';

/** Deepest tree a kernel accepts: 2^(d+1) - 1 nodes must stay a comfortable int32 index. */
export const MAX_DEPTH = 24;

/** n = 2^(d+1) - 1 nodes per tree of depth d. */
export function nodesPerTree(depth: number): number {
  return 2 ** (depth + 1) - 1;
}

/** Throws TreeShapeError unless `trees` is a positive integer and `depth` an integer in [0, MAX_DEPTH]. */
export function assertTreeShape(trees: number, depth: number): void {
  if (!Number.isInteger(trees) || trees < 1) {
    throw new TreeShapeError(`expected trees (k) to be a positive integer, got ${trees}`);
  }
  if (!Number.isInteger(depth) || depth < 0 || depth > MAX_DEPTH) {
    throw new TreeShapeError(`expected depth (d) to be an integer in [0, ${MAX_DEPTH}], got ${depth}`);
  }
}
