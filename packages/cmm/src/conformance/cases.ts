// The cases every kernel of every backend is held to, in Node (test-utils/conformance-suite.ts)
// and in the browser (apps/webgpu-browser): one table, so that neither can drift.
import type { ConditionalCase, DenseCase } from './problems.js';

/** Relative tolerance against max |reference| for float32 kernels. */
export const TOLERANCE = 1e-5;

/** Shapes for the conditional kernels: H and O not multiples of 4 or 16, O != H, k in 1..16, d in 0..12, B in 1..4096. */
export const CONDITIONAL_CASES: readonly ConditionalCase[] = [
  { trees: 1, depth: 0, inputSize: 1, outputSize: 1, batch: 1 },
  { trees: 1, depth: 1, inputSize: 3, outputSize: 2, batch: 5 },
  { trees: 2, depth: 3, inputSize: 17, outputSize: 9, batch: 33 },
  { trees: 3, depth: 5, inputSize: 33, outputSize: 40, batch: 64, logitScale: 30 },
  { trees: 16, depth: 2, inputSize: 20, outputSize: 7, batch: 100 },
  { trees: 5, depth: 7, inputSize: 16, outputSize: 33, batch: 257 },
  { trees: 2, depth: 9, inputSize: 96, outputSize: 64, batch: 1024 },
  { trees: 4, depth: 12, inputSize: 12, outputSize: 5, batch: 4096 },
  { trees: 1, depth: 11, inputSize: 768, outputSize: 768, batch: 128 },
];

export const DENSE_CASES: readonly DenseCase[] = [
  { inputSize: 1, hiddenSize: 1, outputSize: 1, batch: 1, bias: false },
  { inputSize: 3, hiddenSize: 7, outputSize: 5, batch: 9, bias: true },
  { inputSize: 17, hiddenSize: 33, outputSize: 9, batch: 64, bias: false },
  { inputSize: 33, hiddenSize: 100, outputSize: 40, batch: 130, bias: true },
  { inputSize: 768, hiddenSize: 255, outputSize: 768, batch: 37, bias: true },
  { inputSize: 64, hiddenSize: 4095, outputSize: 31, batch: 16, bias: false },
];

export const TRAINING_CASES: readonly ConditionalCase[] = [
  { trees: 1, depth: 0, inputSize: 3, outputSize: 2, batch: 1 },
  { trees: 3, depth: 4, inputSize: 17, outputSize: 9, batch: 20 },
  { trees: 16, depth: 2, inputSize: 33, outputSize: 40, batch: 64, logitScale: 30 },
  { trees: 2, depth: 12, inputSize: 5, outputSize: 3, batch: 300 },
  { trees: 1, depth: 11, inputSize: 768, outputSize: 768, batch: 64 },
];

/** `k=2 d=3 H=17 O=9 B=33`, as test names and reports show a conditional case. */
export const conditionalCaseName = (c: ConditionalCase): string => `k=${c.trees} d=${c.depth} H=${c.inputSize} O=${c.outputSize} B=${c.batch}`;

/** `H=3 M=7 O=5 B=9 with bias`, as test names and reports show a dense case. */
export const denseCaseName = (c: DenseCase): string => `H=${c.inputSize} M=${c.hiddenSize} O=${c.outputSize} B=${c.batch}${c.bias ? ' with bias' : ''}`;

/**
 * The seeds of a case's problem, by kernel and case index, so that every runner of the
 * suite draws the same weights and inputs for the same case.
 */
export const CASE_SEEDS = {
  conditionalMatmul: 100,
  denseMatmul: 200,
  forwardTrain: 300,
  backward: 400,
  backwardUpstream: 500,
} as const;
