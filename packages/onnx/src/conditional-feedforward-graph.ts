import { OnnxExportError } from './errors.js';
import { int, type GraphBuilder } from './graph-builder.js';
import { gelu } from './gelu-graph.js';
import { transpose } from './transpose.js';
import { quantizedMatMul } from './quantized-matmul-graph.js';
import { nodesPerTree, quantizeRows } from '@ufbert/cmm';
import { checkFinite } from './quantize.js';
import type { Dtype } from './dtype.js';

/** One FFF layer's weights in the reference layout. */
export interface FFFGraphWeights {
  /** linear_in.weight [N, H], N = trees * (2^(depth+1) - 1), tree-major, heap order. */
  linearIn: Float32Array;
  /** linear_in.bias [N]. */
  linearInBias: Float32Array;
  /** linear_out.weight [O, N]. */
  linearOut: Float32Array;
  trees: number;
  depth: number;
  inputWidth: number;
  outputWidth: number;
}

/**
 * How many of the top tree levels are computed as one dense product over their nodes
 * (2^L - 1 per tree) before the walk switches to gathering the visited node's row per level.
 * A level of 2^l nodes as part of one MatMul costs 2^l dots at GEMM speed; a gathered level
 * costs one dot but three memory-bound passes (Gather, multiply, reduce). On onnxruntime
 * CPU the break-even is near 2^5 nodes, so the default stops at 6 levels, and never takes
 * more than half of a tree: the deeper half is always walked conditionally. The same holds in
 * q8, where the dense levels are int8 GEMMs and the gathered ones int8 rows: UltraFastBERT-1x11
 * with 5, 6, 7 and 8 dense levels measured 353, 315, 316 and 342 µs/token (CPU time, 8x128, one thread).
 */
export function defaultDenseLevels(depth: number): number {
  return Math.max(1, Math.min(6, Math.floor((depth + 1) / 2)));
}

/** The range `denseLevels` may take for a tree of `depth`: the leaf level is walked conditionally unless the tree has one level. */
export function denseLevelsRange(depth: number): [number, number] {
  return [1, Math.max(1, depth)];
}

/**
 * The FFF of the reference (hard root-to-leaf path per tree, exact GELU of every visited
 * node's logit, a logit <= 0 goes left, trees summed) as standard ONNX ops on x [T, H] -> [T, O].
 *
 * The top `denseLevels` levels: their logits from one MatMul, the path through them by
 * GatherElements on those logits, and their output as one MatMul of the GELU values masked
 * to the visited nodes. Every deeper level: Gather the visited node's row of linear_in and
 * of linear_out^T, so the work per token is O(trees * depth), never O(N).
 */
export function conditionalFeedforward(
  g: GraphBuilder,
  x: string,
  w: FFFGraphWeights,
  denseLevels: number,
  prefix: string,
  options: { routes?: boolean; dtype?: Dtype } = {},
): { y: string; routes?: string } {
  const q8 = options.dtype === 'q8';
  // Checked in the reference layout, so the error's index is the checkpoint's, not a rearranged copy's.
  if (q8) {
    checkFinite(`${prefix}.linear_in.weight`, w.linearIn);
    checkFinite(`${prefix}.linear_out.weight`, w.linearOut);
  }
  const { trees: k, depth: d, inputWidth: h, outputWidth: o } = w;
  const n = nodesPerTree(d);
  const total = k * n;
  if (w.linearIn.length !== total * h)
    throw new OnnxExportError(`${prefix}: expected linear_in.weight of shape [${total}, ${h}], got ${w.linearIn.length} values`);
  if (w.linearInBias.length !== total) throw new OnnxExportError(`${prefix}: expected linear_in.bias of shape [${total}], got ${w.linearInBias.length} values`);
  if (w.linearOut.length !== o * total)
    throw new OnnxExportError(`${prefix}: expected linear_out.weight of shape [${o}, ${total}], got ${w.linearOut.length} values`);
  const [lo, hi] = denseLevelsRange(d);
  if (!Number.isSafeInteger(denseLevels) || denseLevels < lo || denseLevels > hi) {
    throw new OnnxExportError(`fffDenseLevels must be an integer in [${lo}, ${hi}] for trees of depth ${d}, got ${denseLevels}`);
  }

  // linear_out^T [N, O]: a node's output column becomes a contiguous row to gather.
  const outRows = transpose(w.linearOut, o, total);

  // Top levels: the first m nodes (heap order) of every tree, a tree of depth denseLevels - 1, as one [H, k*m] product.
  const m = nodesPerTree(denseLevels - 1);
  const topIn = new Float32Array(h * k * m);
  const topBias = new Float32Array(k * m);
  const topOut = new Float32Array(k * m * o);
  for (let t = 0; t < k; t++) {
    for (let j = 0; j < m; j++) {
      const node = t * n + j;
      const col = t * m + j;
      for (let i = 0; i < h; i++) topIn[i * k * m + col] = w.linearIn[node * h + i];
      topBias[col] = w.linearInBias[node];
      topOut.set(outRows.subarray(node * o, (node + 1) * o), col * o);
    }
  }
  const topProduct = q8
    ? quantizedMatMul(g, x, topIn, h, k * m, `${prefix}.linear_in.weight`, `${prefix}.top_product`)
    : g.op('MatMul', [x, g.floats(`${prefix}.top_in`, [h, k * m], topIn)]);
  const topLogits = g.op('Add', [topProduct, g.floats(`${prefix}.top_bias`, [k * m], topBias)], {}, `${prefix}.top_logits`);
  const perTree = g.op('Reshape', [topLogits, g.int64Vector([0, k, m])], {}, `${prefix}.top_logits_per_tree`);

  // The walk through the top levels: `node` is the local heap index [T, k, 1] at each level.
  const nodeIds =
    denseLevels > 1
      ? g.int64s(
          `${prefix}.top_node_ids`,
          [m],
          Array.from({ length: m }, (_, j) => j),
        )
      : '';
  const rootOnly = new Float32Array(m);
  rootOnly[0] = 1;
  let visited = g.floats(`${prefix}.root_visited`, [m], rootOnly);
  let logit = g.op('Slice', [perTree, g.int64Vector([0]), g.int64Vector([1]), g.int64Vector([2])], {}, `${prefix}.level0_logit`);
  let node = '';
  // With `routes`: the visited node of every level as [T, k, 1] global indices, concatenated at the end.
  const routes: string[] = [];
  const treeOffsets = options.routes
    ? g.int64s(
        `${prefix}.tree_offsets_column`,
        [k, 1],
        Array.from({ length: k }, (_, t) => t * n),
      )
    : '';
  if (options.routes) routes.push(g.op('Expand', [treeOffsets, g.op('Shape', [logit], {}, `${prefix}.route_shape`)], {}, `${prefix}.route0`));
  for (let level = 0; level < denseLevels; level++) {
    if (level > 0) {
      if (options.routes) routes.push(g.op('Add', [node, treeOffsets], {}, `${prefix}.route${level}`));
      logit = g.op('GatherElements', [perTree, node], { axis: int(2) }, `${prefix}.level${level}_logit`);
      const here = g.op('Cast', [g.op('Equal', [node, nodeIds], {}, `${prefix}.level${level}_is_node`)], { to: int(1) }, `${prefix}.level${level}_visited`);
      visited = g.op('Add', [visited, here], {}, `${prefix}.visited_to_level${level}`);
    }
    if (level < d) node = nextNode(g, node, logit, `${prefix}.level${level + 1}`);
  }
  const coefficients = g.op(
    'Mul',
    [g.op('Reshape', [gelu(g, topLogits, `${prefix}.top_gelu`), g.int64Vector([0, k, m])]), visited],
    {},
    `${prefix}.top_coefficients`,
  );
  const flatCoefficients = g.op('Reshape', [coefficients, g.int64Vector([0, k * m])]);
  let y = q8
    ? quantizedMatMul(g, flatCoefficients, topOut, k * m, o, `${prefix}.linear_out.weight`, `${prefix}.top_y`)
    : g.op('MatMul', [flatCoefficients, g.floats(`${prefix}.top_out`, [k * m, o], topOut)], {}, `${prefix}.top_y`);
  const finish = () => (options.routes ? { y, routes: routes.length > 1 ? g.op('Concat', routes, { axis: int(2) }, `${prefix}.routes`) : routes[0] } : { y });
  if (denseLevels > d) return finish();

  // Deeper levels, one gathered node per tree and token. Each level's dot needs the level
  // before it, but the output sum does not: the deep levels' output columns are gathered
  // together at the end and summed in one Mul + ReduceSum. (Batched MatMul and Einsum
  // formulations of both sums measured 1.5-2.5x slower on onnxruntime 1.30's CPU provider.)
  const deepTables = q8 ? quantizedDeepTables(g, w.linearIn, outRows, total, h, o, prefix) : undefined;
  const inRows = deepTables?.inRows ?? g.floats(`${prefix}.linear_in.weight`, [total, h], w.linearIn);
  const bias = g.floats(`${prefix}.linear_in.bias`, [total], w.linearInBias);
  const outTable = deepTables?.outRows ?? g.floats(`${prefix}.linear_out.weight_t`, [total, o], outRows);
  const offsets =
    k > 1
      ? g.int64s(
          `${prefix}.tree_offsets`,
          [k],
          Array.from({ length: k }, (_, t) => t * n),
        )
      : undefined;
  const xRows = g.op('Unsqueeze', [x, g.int64Vector([1])], {}, `${prefix}.x_rows`);
  let local = g.op('Reshape', [node, g.int64Vector([0, k])], {}, `${prefix}.level${denseLevels}_local`);
  const visitedNodes: string[] = [];
  const activations: string[] = [];
  for (let level = denseLevels; level <= d; level++) {
    const p = `${prefix}.level${level}`;
    const global = offsets ? g.op('Add', [local, offsets], {}, `${p}_node`) : local;
    const rows = deepTables
      ? g.op(
          'Reshape',
          [
            dequantizedRows(g, inRows, global, g.op('Gather', [deepTables.inScales, global], { axis: int(0) }, `${p}_in_scale`), `${p}_in_rows`),
            g.int64Vector([-1, k, h]),
          ],
          {},
          `${p}_in_rows_per_token`,
        )
      : g.op('Gather', [inRows, global], { axis: int(0) }, `${p}_in_rows`);
    const dot = g.op('ReduceSum', [g.op('Mul', [rows, xRows], {}, `${p}_products`), g.int64Vector([2])], { keepdims: int(0) }, `${p}_dot`);
    const levelLogit = g.op('Add', [dot, g.op('Gather', [bias, global], { axis: int(0) }, `${p}_bias`)], {}, `${p}_logit`);
    visitedNodes.push(global);
    if (options.routes) routes.push(g.op('Unsqueeze', [global, g.int64Vector([2])], {}, `${p}_route`));
    activations.push(gelu(g, levelLogit, `${p}_gelu`));
    if (level < d) local = nextNode(g, local, levelLogit, `${prefix}.level${level + 1}_local`);
  }
  const deep = visitedNodes.length;
  const allNodes = deep > 1 ? g.op('Concat', visitedNodes, { axis: int(1) }, `${prefix}.deep_nodes`) : visitedNodes[0];
  const allActivations = deep > 1 ? g.op('Concat', activations, { axis: int(1) }, `${prefix}.deep_gelu`) : activations[0];
  let deepY: string;
  if (deepTables) {
    // Each output row's scale folded into its GELU coefficient, and the coefficient into the
    // dequantization: one pass from int8 rows to coefficient-scaled float rows, then the sum.
    const coefficients = g.op(
      'Mul',
      [allActivations, g.op('Gather', [deepTables.outScales, allNodes], { axis: int(0) }, `${prefix}.deep_out_scales`)],
      {},
      `${prefix}.deep_coefficients`,
    );
    const scaledRows = dequantizedRows(g, outTable, allNodes, coefficients, `${prefix}.deep_scaled_out`);
    deepY = g.op(
      'ReduceSum',
      [g.op('Reshape', [scaledRows, g.int64Vector([-1, deep * k, o])], {}, `${prefix}.deep_scaled_out_per_token`), g.int64Vector([1])],
      { keepdims: int(0) },
      `${prefix}.deep_y`,
    );
  } else {
    const columns = g.op('Gather', [outTable, allNodes], { axis: int(0) }, `${prefix}.deep_out_rows`);
    const activationColumn = g.op('Unsqueeze', [allActivations, g.int64Vector([2])], {}, `${prefix}.deep_gelu_column`);
    deepY = g.op(
      'ReduceSum',
      [g.op('Mul', [columns, activationColumn], {}, `${prefix}.deep_scaled_out`), g.int64Vector([1])],
      { keepdims: int(0) },
      `${prefix}.deep_y`,
    );
  }
  y = g.op('Add', [y, deepY], {}, `${prefix}.y`);
  return finish();
}

/**
 * The child a token goes to: 2i + 1 (left) when the logit is <= 0, 2i + 2 (right) when > 0.
 * At the root (`node` empty) that is 1 + [logit > 0].
 */
function nextNode(g: GraphBuilder, node: string, logit: string, hint: string): string {
  const right = g.op('Cast', [g.op('Greater', [logit, g.scalar(0)], {}, `${hint}_goes_right`)], { to: int(7) }, `${hint}_right`);
  const left = node ? g.op('Add', [g.op('Mul', [node, g.int64Vector([2])], {}, `${hint}_twice`), g.int64Vector([1])], {}, `${hint}_left`) : g.int64Vector([1]);
  return g.op('Add', [left, right], {}, hint);
}

/** The q8 tables the deep levels gather from: linear_in [N, H] and linear_out^T [N, O] as int8, one scale per node row; no float copy. */
interface QuantizedDeepTables {
  inRows: string;
  inScales: string;
  outRows: string;
  outScales: string;
}

function quantizedDeepTables(
  g: GraphBuilder,
  linearIn: Float32Array,
  outRows: Float32Array,
  total: number,
  h: number,
  o: number,
  prefix: string,
): QuantizedDeepTables {
  // cmm's quantizer: the graph's tables are exactly the ones its q8 kernel runs on (checkFinite has named any bad weight).
  const inQ = quantizeRows(linearIn, total, h, `${prefix}.linear_in.weight`);
  const outQ = quantizeRows(outRows, total, o, `${prefix}.linear_out.weight`, true);
  return {
    inRows: g.int8s(`${prefix}.linear_in.weight_int8`, [total, h], inQ.q),
    inScales: g.floats(`${prefix}.linear_in.weight_scales`, [total], inQ.scale),
    outRows: g.int8s(`${prefix}.linear_out.weight_t_int8`, [total, o], outQ.q),
    outScales: g.floats(`${prefix}.linear_out.weight_t_scales`, [total], outQ.scale),
  };
}

/**
 * The rows `nodes` (any shape) of an int8 table, each times its own entry of `scale` (the
 * same shape), as float [nodes, W]: a Gather of int8 (a quarter of fp32's bytes) and one
 * DequantizeLinear with a per-row (axis 0) scale, so only the visited rows are converted, in
 * one pass. (Cast then Mul by the scale measured 10 % slower in the whole model, and
 * onnxruntime's contrib GatherBlockQuantized, uint8 with bits 8, twice as slow.)
 */
function dequantizedRows(g: GraphBuilder, table: string, nodes: string, scale: string, hint: string): string {
  const rows = g.op('Gather', [table, g.op('Reshape', [nodes, g.int64Vector([-1])], {}, `${hint}_nodes`)], { axis: int(0) }, `${hint}_int8`);
  return g.op('DequantizeLinear', [rows, g.op('Reshape', [scale, g.int64Vector([-1])], {}, `${hint}_scales`)], { axis: int(0) }, hint);
}
