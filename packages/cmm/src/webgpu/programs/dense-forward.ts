import { lanesFor, linearGrid, WORKGROUP_SIZE } from '../limits.js';
import { GELU_WGSL, input, laneSumWgsl, output, u32, type GpuProgram } from '../wgsl.js';

export interface DenseForwardOptions {
  readonly inputSize: number;
  readonly outputSize: number;
  readonly batch: number;
  readonly bias: boolean;
  /** The neurons this dispatch walks, [firstNeuron, endNeuron); the first one also clears y. */
  readonly firstNeuron: number;
  readonly endNeuron: number;
}

/**
 * Dense feedforward shaped like conditionalForwardProgram, so that the two compare like
 * with like: a workgroup takes a tile of tokens, and each token walks all M neurons
 * instead of one path, in as few dispatches as LOOP_BUDGET allows, in neuron order.
 * Bindings: x [B, H], wIn [M, H], (bIn [M]), wOutT [M, O], y [B, O].
 */
export function denseForwardProgram(o: DenseForwardOptions, limits: GPUSupportedLimits): GpuProgram {
  const lanes = lanesFor(Math.max(o.inputSize, o.outputSize));
  const tokensPerGroup = WORKGROUP_SIZE / lanes;
  return {
    name: `denseForward(${o.bias ? 'bias' : 'no bias'})`,
    workgroupSize: WORKGROUP_SIZE,
    workgroupStorageBytes: WORKGROUP_SIZE * 4,
    bindings: [input('x'), input('wIn'), ...(o.bias ? [input('bIn')] : []), input('wOutT'), output('y')],
    uniforms: [
      u32('firstNeuron', o.firstNeuron),
      u32('endNeuron', o.endNeuron),
      u32('batch', o.batch),
      u32('inputSize', o.inputSize),
      u32('outputSize', o.outputSize),
    ],
    dispatch: linearGrid(limits, Math.ceil(o.batch / tokensPerGroup), 'denseForward'),
    declarations: GELU_WGSL + laneSumWgsl(WORKGROUP_SIZE, lanes),
    main: /* wgsl */ `
  let lane = local % ${lanes}u;
  let token = group * ${tokensPerGroup}u + local / ${lanes}u;
  let inBatch = token < u.batch;
  let b = min(token, u.batch - 1u);
  let xRow = b * u.inputSize;
  let yRow = b * u.outputSize;
  if (inBatch && u.firstNeuron == 0u) {
    for (var r = lane; r < u.outputSize; r += ${lanes}u) {
      y[yRow + r] = 0.0;
    }
  }
  for (var i = u.firstNeuron; i < u.endNeuron; i++) {
    var acc = 0.0;
    for (var j = lane; j < u.inputSize; j += ${lanes}u) {
      acc += x[xRow + j] * wIn[i * u.inputSize + j];
    }
    let a = gelu(laneSum(local, lane, acc)${o.bias ? ' + bIn[i]' : ''});
    if (inBatch) {
      for (var r = lane; r < u.outputSize; r += ${lanes}u) {
        y[yRow + r] += a * wOutT[i * u.outputSize + r];
      }
    }
  }`,
  };
}
