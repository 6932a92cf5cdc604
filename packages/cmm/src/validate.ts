import { assertShape, ShapeError, formatShape } from '@ufbert/tensor';
import { assertPaths } from './path-groups.js';
import { assertTreeShape, nodesPerTree } from './tree.js';
import type { BackwardInputs, ConditionalShape, ConditionalWeights, DenseShape, DenseWeights, TensorView, WeightGradients } from './types.js';

function assertPositiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new ShapeError(`expected ${name} to be a positive integer, got ${value}`);
}

/** Checks a tensor's declared shape and that its values fill it. */
export function checkTensor(name: string, tensor: TensorView, expected: readonly number[]): void {
  assertShape(name, tensor.shape, expected);
  const size = expected.reduce((a, b) => a * b, 1);
  if (tensor.values.length !== size) {
    throw new ShapeError(`expected ${name} of shape ${formatShape(expected)} to hold ${size} values, got ${tensor.values.length}`);
  }
}

/** Checks k, d, H, O and returns N = k * (2^(d+1) - 1). */
export function checkConditionalShape(shape: ConditionalShape): number {
  assertTreeShape(shape.trees, shape.depth);
  assertPositiveInteger('inputSize (H)', shape.inputSize);
  assertPositiveInteger('outputSize (O)', shape.outputSize);
  return shape.trees * nodesPerTree(shape.depth);
}

export function checkConditionalWeights(weights: ConditionalWeights, shape: ConditionalShape): number {
  const n = checkConditionalShape(shape);
  checkTensor('linear_in.weight', weights.wIn, [n, shape.inputSize]);
  checkTensor('linear_in.bias', weights.bIn, [n]);
  checkTensor('linear_out.weight', weights.wOut, [shape.outputSize, n]);
  return n;
}

/** Checks a backward call's weights, batch arrays and paths against the layer; returns N. */
export function checkBackwardInputs(inputs: BackwardInputs, shape: ConditionalShape): number {
  const n = checkConditionalShape(shape);
  const { trees, depth, inputSize: h, outputSize: o } = shape;
  const { batch } = inputs;
  checkTensor('linear_in.weight', inputs.wIn, [n, h]);
  checkTensor('linear_out.weight', inputs.wOut, [o, n]);
  checkBatch('x', inputs.x, batch, h);
  checkBatch('dy', inputs.dy, batch, o);
  checkBatch('nodes', inputs.nodes, batch, trees, depth + 1);
  checkBatch('logits', inputs.logits, batch, trees, depth + 1);
  assertPaths(inputs.nodes, batch, trees, depth);
  return n;
}

export function checkDenseWeights(weights: DenseWeights, shape: DenseShape): void {
  assertPositiveInteger('inputSize (H)', shape.inputSize);
  assertPositiveInteger('hiddenSize (M)', shape.hiddenSize);
  assertPositiveInteger('outputSize (O)', shape.outputSize);
  checkTensor('dense_in.weight', weights.wIn, [shape.hiddenSize, shape.inputSize]);
  if (weights.bIn) checkTensor('dense_in.bias', weights.bIn, [shape.hiddenSize]);
  checkTensor('dense_out.weight', weights.wOut, [shape.outputSize, shape.hiddenSize]);
}

/** Checks that a flat row-major array holds a [batch, d1] or [batch, d1, d2] tensor, without allocating on success. */
export function checkBatch(name: string, values: ArrayLike<number>, batch: number, d1: number, d2?: number): void {
  if (!Number.isInteger(batch) || batch < 0) throw new ShapeError(`expected batch to be a non-negative integer, got ${batch}`);
  const size = batch * d1 * (d2 ?? 1);
  if (values.length !== size) {
    const expected = d2 === undefined ? [batch, d1] : [batch, d1, d2];
    throw new ShapeError(`expected ${name} of shape ${formatShape(expected)} (${size} values), got ${values.length} values`);
  }
}

/** The weight-gradient arrays to write: `into`, checked, or fresh zero-filled ones. */
export function gradientBuffers(into: WeightGradients | undefined, neurons: number, h: number, o: number): WeightGradients {
  if (!into) return { dWIn: new Float32Array(neurons * h), dbIn: new Float32Array(neurons), dWOut: new Float32Array(o * neurons) };
  checkTensor('accumulateInto.dWIn', { values: into.dWIn, shape: [neurons, h] }, [neurons, h]);
  checkTensor('accumulateInto.dbIn', { values: into.dbIn, shape: [neurons] }, [neurons]);
  checkTensor('accumulateInto.dWOut', { values: into.dWOut, shape: [o, neurons] }, [o, neurons]);
  return into;
}

/** `out` checked to hold [batch, width] values, zero-filled when `zero`; or a fresh zeroed array. */
export function outputArray(out: Float32Array | undefined, batch: number, width: number, zero: boolean): Float32Array {
  if (!out) return new Float32Array(batch * width);
  checkBatch('out', out, batch, width);
  if (zero) out.fill(0);
  return out;
}
