import { ShapeError } from '@ufbert/tensor';
import { InvalidPathError } from './errors.js';
import type { ForwardTrainSaved } from './types.js';
import { nodesPerTree } from './tree.js';

/**
 * The visited neurons of a batch grouped by neuron, for the sparse training kernels.
 * A path entry e = (b * k + t) * (d + 1) + l is one (token, tree, level) visit.
 */
export interface PathGroups {
  /** Visited neurons, ascending; U of them. */
  readonly unique: Int32Array;
  /** Per path entry: its neuron's position in `unique`. */
  readonly slotOf: Int32Array;
  /** [U + 1] offsets into `entries`. */
  readonly start: Int32Array;
  /** Path entries grouped by neuron; within a group in increasing entry (token) order. */
  readonly entries: Int32Array;
}

/** Throws InvalidPathError unless every entry is a level-l neuron of its own tree. */
export function assertPaths(nodes: Int32Array, batch: number, trees: number, depth: number): void {
  const n = nodesPerTree(depth);
  const levels = depth + 1;
  for (let b = 0, e = 0; b < batch; b++) {
    for (let t = 0; t < trees; t++) {
      for (let l = 0; l < levels; l++, e++) {
        const local = nodes[e] - t * n;
        const first = 2 ** l - 1;
        if (!(local >= first && local < 2 * first + 1)) {
          throw new InvalidPathError(
            `expected nodes[${b}, ${t}, ${l}] to be a level-${l} neuron of tree ${t}, in [${t * n + first}, ${t * n + 2 * first + 1}), got ${nodes[e]}`,
          );
        }
      }
    }
  }
}

export function groupPaths(nodes: Int32Array, neurons: number): PathGroups {
  const count = nodes.length;
  // slot + 1 per neuron, 0 while unseen
  const slotMap = new Int32Array(neurons);
  const seen = new Int32Array(count);
  let unique = 0;
  for (let e = 0; e < count; e++) {
    const i = nodes[e];
    if (slotMap[i] === 0) {
      slotMap[i] = 1;
      seen[unique++] = i;
    }
  }
  const sorted = seen.slice(0, unique).sort();
  for (let u = 0; u < unique; u++) slotMap[sorted[u]] = u + 1;
  const slotOf = new Int32Array(count);
  const start = new Int32Array(unique + 1);
  for (let e = 0; e < count; e++) {
    const u = slotMap[nodes[e]] - 1;
    slotOf[e] = u;
    start[u + 1]++;
  }
  for (let u = 0; u < unique; u++) start[u + 1] += start[u];
  const fill = start.slice(0, unique);
  const entries = new Int32Array(count);
  for (let e = 0; e < count; e++) entries[fill[slotOf[e]]++] = e;
  return { unique: sorted, slotOf, start, entries };
}

// Column gathers and scatters walk the matrix in bands of 64 rows: within a band, one
// column after another, so each band row is read (or written) at a position that
// only moves forward, 64 sequential streams whose current cache lines fit in L1, and
// neighbouring columns reuse those lines. About twice as fast as row after row.
const BAND = 64;

/**
 * Columns `unique` of a row-major [rows, cols] matrix, as rows of a [U, rows] matrix:
 * out[outOffset + u * outStride + r] = matrix[r, unique[u]].
 */
export function gatherColumns(
  matrix: Float32Array,
  rows: number,
  cols: number,
  unique: Int32Array,
  out: Float32Array = new Float32Array(unique.length * rows),
  outStride = rows,
  outOffset = 0,
): Float32Array {
  const count = unique.length;
  for (let r0 = 0; r0 < rows; r0 += BAND) {
    const r1 = Math.min(rows, r0 + BAND);
    for (let u = 0; u < count; u++) {
      const c = unique[u];
      const dst = outOffset + u * outStride;
      for (let r = r0; r < r1; r++) out[dst + r] = matrix[r * cols + c];
    }
  }
  return out;
}

/** The inverse of gatherColumns: out[r, unique[u]] (+)= columns[offset + u * stride + r], adding when `accumulate`. */
export function scatterColumns(
  columns: ArrayLike<number>,
  rows: number,
  cols: number,
  unique: Int32Array,
  out: Float32Array,
  stride = rows,
  offset = 0,
  accumulate = false,
): void {
  const count = unique.length;
  for (let r0 = 0; r0 < rows; r0 += BAND) {
    const r1 = Math.min(rows, r0 + BAND);
    for (let u = 0; u < count; u++) {
      const c = unique[u];
      const src = offset + u * stride;
      if (accumulate) for (let r = r0; r < r1; r++) out[r * cols + c] += columns[src + r];
      else for (let r = r0; r < r1; r++) out[r * cols + c] = columns[src + r];
    }
  }
}

/**
 * The visited columns of wOut [rows, cols] as rows of a [U, rows] matrix: `saved.wOutColumns`
 * when it belongs to these paths (same visited neurons), else gathered from wOut.
 */
export function visitedColumns(saved: ForwardTrainSaved | undefined, wOut: Float32Array, rows: number, cols: number, unique: Int32Array): Float32Array {
  if (!saved) return gatherColumns(wOut, rows, cols, unique);
  const same = saved.neurons.length === unique.length && saved.neurons.every((v, i) => v === unique[i]);
  if (!same) throw new InvalidPathError('saved comes from a forward that visited other neurons than these nodes');
  if (saved.wOutColumns.length !== unique.length * rows) {
    throw new ShapeError(`expected saved.wOutColumns of shape [${unique.length}, ${rows}], got ${saved.wOutColumns.length} values`);
  }
  return saved.wOutColumns;
}
