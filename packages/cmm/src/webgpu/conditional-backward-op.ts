import { nodesPerTree } from '../tree.js';
import type { ConditionalShape } from '../types.js';
import { backwardCoefficientsProgram, type BackwardDims } from './programs/backward-coefficients.js';
import { inputGradientProgram } from './programs/input-gradient.js';
import {
  countVisitsProgram,
  scanBlocksProgram,
  scanBlockTotalsProgram,
  scanTotalsProgram,
  scatterVisitsProgram,
  visitSortPlan,
} from './programs/visit-sort.js';
import { inputWeightGradientProgram, outputWeightGradientProgram } from './programs/weight-gradients.js';
import type { ProgramRecorder } from './recorder.js';

export interface ConditionalBackwardBuffers {
  /** [B, O] */
  readonly dy: GPUBuffer;
  /** [B, H] */
  readonly x: GPUBuffer;
  /** [N, H] */
  readonly wIn: GPUBuffer;
  /** [O, N], the reference layout */
  readonly wOut: GPUBuffer;
  /** [B, k, d+1] int32 */
  readonly nodes: GPUBuffer;
  /** [B, k, d+1] */
  readonly logits: GPUBuffer;
  /** [B, H] */
  readonly dx: GPUBuffer;
  /** [N, H], zero outside visited rows */
  readonly dWIn: GPUBuffer;
  /** [N] */
  readonly dbIn: GPUBuffer;
  /** [O, N], zero outside visited columns */
  readonly dWOut: GPUBuffer;
}

/**
 * Records the sparse, deterministic backward of an FFF layer: per-visit coefficients,
 * dx along each token's path, a stable counting sort of the visits by neuron, then the
 * weight gradients, each neuron summing its visits in token order. No atomics: the
 * same inputs give the same bits.
 */
export function recordConditionalBackward(recorder: ProgramRecorder, shape: ConditionalShape, batch: number, buffers: ConditionalBackwardBuffers): void {
  const limits = recorder.device.limits;
  const dims: BackwardDims = {
    batch,
    inputSize: shape.inputSize,
    outputSize: shape.outputSize,
    neurons: shape.trees * nodesPerTree(shape.depth),
    visitsPerToken: shape.trees * (shape.depth + 1),
  };
  const visits = batch * dims.visitsPerToken;
  const g = recorder.scratch('backward g', visits);
  const act = recorder.scratch('backward GELU(logits)', visits);
  recorder.run(backwardCoefficientsProgram(dims, limits), { ...buffers, g, act });
  recorder.run(inputGradientProgram(dims, limits), { ...buffers, g });

  const plan = visitSortPlan(dims);
  const counts = recorder.scratch('visit counts', plan.slots);
  const totals = recorder.scratch('visit count block totals', plan.blocks);
  const entries = recorder.scratch('visits by neuron', visits);
  recorder.run(countVisitsProgram(plan, limits), { nodes: buffers.nodes, counts });
  recorder.run(scanBlockTotalsProgram(plan, limits), { counts, totals });
  recorder.run(scanTotalsProgram(plan), { totals });
  recorder.run(scanBlocksProgram(plan, limits), { counts, totals });
  recorder.run(scatterVisitsProgram(plan, limits), { nodes: buffers.nodes, counts, entries });
  recorder.run(inputWeightGradientProgram(plan, limits), { ...buffers, counts, entries, g });
  recorder.run(outputWeightGradientProgram(plan, limits), { ...buffers, counts, entries, act });
}
