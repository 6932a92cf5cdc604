import type { ConditionalShape } from '../types.js';
import { budgetRanges, iterationsPerNeuron } from './limits.js';
import { conditionalForwardProgram } from './programs/conditional-forward.js';
import type { ProgramRecorder } from './recorder.js';

export interface ConditionalForwardBuffers {
  /** [B, H] */
  readonly x: GPUBuffer;
  /** [N, H] */
  readonly wIn: GPUBuffer;
  /** [N] */
  readonly bIn: GPUBuffer;
  /** [N, O] (neuron-major) or [O, N] (output-major) */
  readonly wOut: GPUBuffer;
  /** [B, O] */
  readonly y: GPUBuffer;
  /** [B, k, d+1] int32, written when given */
  readonly nodes?: GPUBuffer;
  /** [B, k, d+1], written when given */
  readonly logits?: GPUBuffer;
}

/** Records the conditional forward of `batch` tokens: one dispatch (more for very many trees); nothing for an empty batch. */
export function recordConditionalForward(
  recorder: ProgramRecorder,
  shape: ConditionalShape,
  batch: number,
  wOutLayout: 'neuron-major' | 'output-major',
  buffers: ConditionalForwardBuffers,
): void {
  if (batch === 0) return;
  const perTree = (shape.depth + 1) * iterationsPerNeuron(shape.inputSize, shape.outputSize);
  for (const [firstTree, endTree] of budgetRanges(shape.trees, perTree)) {
    const program = conditionalForwardProgram(
      { ...shape, batch, wOutLayout, writeNodes: buffers.nodes !== undefined, writeLogits: buffers.logits !== undefined, firstTree, endTree },
      recorder.device.limits,
    );
    recorder.run(program, { ...buffers });
  }
}
