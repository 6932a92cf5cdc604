import type { BackwardInputs } from '../types.js';
import { randomArray, type ConditionalProblem } from './problems.js';
import { referenceConditional, type ReferenceForward } from './reference.js';

/**
 * A backward kernel's inputs for `problem`: the oracle's forward (its visited nodes, its
 * logits rounded to float32, as a float32 forward hands them on) and an upstream gradient
 * dy drawn from `dySeed`.
 */
export function backwardInputs(problem: ConditionalProblem, dySeed: number): { forward: ReferenceForward; inputs: BackwardInputs } {
  const { shape, weights, x, batch } = problem;
  const forward = referenceConditional(shape, weights, x, batch);
  const dy = randomArray(dySeed, batch * shape.outputSize);
  return { forward, inputs: { dy, x, batch, wIn: weights.wIn, wOut: weights.wOut, nodes: forward.nodes, logits: Float32Array.from(forward.logits) } };
}
