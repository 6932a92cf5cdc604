import { nodesPerTree } from '../../tree.js';
import { lanesFor, linearGrid, WORKGROUP_SIZE } from '../limits.js';
import { GELU_WGSL, input, laneSumWgsl, output, u32, type GpuProgram } from '../wgsl.js';

export interface ConditionalForwardOptions {
  readonly trees: number;
  readonly depth: number;
  readonly inputSize: number;
  readonly outputSize: number;
  readonly batch: number;
  /** `neuron-major`: wOut prepared as [N, O]; `output-major`: the reference linear_out.weight [O, N]. */
  readonly wOutLayout: 'neuron-major' | 'output-major';
  /** Also write the visited neurons `nodes` [B, k, d+1] (int32). */
  readonly writeNodes: boolean;
  /** Also write the visited neurons' pre-activations `logits` [B, k, d+1]. */
  readonly writeLogits: boolean;
  /** The trees this dispatch walks, [firstTree, endTree); the first one also clears y. */
  readonly firstTree: number;
  readonly endTree: number;
}

/**
 * Conditional FFF forward, in one dispatch unless a layer has very many trees. A workgroup takes a tile of tokens, `lanes`
 * invocations per token; each token descends every level of every tree: the lanes split
 * x . wIn[node] and sum it in a fixed order (laneSum), then each lane adds
 * GELU(logit) * wOut[:, node] to the outputs it owns (o = lane, lane + lanes, ...). A
 * token's numbers depend on nothing but its own row, so batches agree bit for bit. Where
 * LOOP_BUDGET splits the trees across dispatches, they add to y in tree order.
 * Bindings: x [B, H], wIn [N, H], bIn [N], wOut, y [B, O], then nodes and logits if asked.
 */
export function conditionalForwardProgram(o: ConditionalForwardOptions, limits: GPUSupportedLimits): GpuProgram {
  const lanes = lanesFor(Math.max(o.inputSize, o.outputSize));
  const tokensPerGroup = WORKGROUP_SIZE / lanes;
  const n = nodesPerTree(o.depth);
  const wOutAt = o.wOutLayout === 'neuron-major' ? 'wOut[i * u.outputSize + r]' : 'wOut[r * u.neurons + i]';
  const record = [o.writeNodes ? 'nodes[e] = i32(i);' : '', o.writeLogits ? 'logits[e] = logit;' : ''].join(' ');
  return {
    name: `conditionalForward(${o.wOutLayout}${o.writeNodes ? ', nodes' : ''}${o.writeLogits ? ', logits' : ''})`,
    workgroupSize: WORKGROUP_SIZE,
    workgroupStorageBytes: WORKGROUP_SIZE * 4,
    bindings: [
      input('x'),
      input('wIn'),
      input('bIn'),
      input('wOut'),
      output('y'),
      ...(o.writeNodes ? [output('nodes', 'i32')] : []),
      ...(o.writeLogits ? [output('logits')] : []),
    ],
    uniforms: [
      u32('firstTree', o.firstTree),
      u32('endTree', o.endTree),
      u32('batch', o.batch),
      u32('inputSize', o.inputSize),
      u32('outputSize', o.outputSize),
      u32('trees', o.trees),
      u32('depth', o.depth),
      u32('nodesPerTree', n),
      u32('neurons', o.trees * n),
    ],
    dispatch: linearGrid(limits, Math.ceil(o.batch / tokensPerGroup), 'conditionalForward'),
    declarations: GELU_WGSL + laneSumWgsl(WORKGROUP_SIZE, lanes),
    main: /* wgsl */ `
  let lane = local % ${lanes}u;
  let token = group * ${tokensPerGroup}u + local / ${lanes}u;
  let inBatch = token < u.batch;
  let b = min(token, u.batch - 1u);
  let xRow = b * u.inputSize;
  let yRow = b * u.outputSize;
  if (inBatch && u.firstTree == 0u) {
    for (var r = lane; r < u.outputSize; r += ${lanes}u) {
      y[yRow + r] = 0.0;
    }
  }
  for (var t = u.firstTree; t < u.endTree; t++) {
    var node = 0u;
    for (var level = 0u; level <= u.depth; level++) {
      let i = t * u.nodesPerTree + node;
      var acc = 0.0;
      for (var j = lane; j < u.inputSize; j += ${lanes}u) {
        acc += x[xRow + j] * wIn[i * u.inputSize + j];
      }
      let logit = laneSum(local, lane, acc) + bIn[i];
      let a = gelu(logit);
      if (inBatch) {
        for (var r = lane; r < u.outputSize; r += ${lanes}u) {
          y[yRow + r] += a * ${wOutAt};
        }
        if (lane == 0u) {
          let e = (b * u.trees + t) * (u.depth + 1u) + level;
          ${record}
        }
      }
      // exactly 0 and NaN go left
      node = 2u * node + select(1u, 2u, logit > 0.0);
    }
  }`,
  };
}
