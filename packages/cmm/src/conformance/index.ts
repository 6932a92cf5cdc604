// @ufbert/cmm/conformance: what a kernel of any backend is held to (the cases, their
// problems and tolerance, the float64 oracle), without a test framework or Node built-ins,
// so that a browser page runs the same suite as cmm's own tests in Node.
export { TOLERANCE, CONDITIONAL_CASES, DENSE_CASES, TRAINING_CASES, CASE_SEEDS, conditionalCaseName, denseCaseName } from './cases.js';
export { randomConditional, randomDense, randomArray, type ConditionalCase, type ConditionalProblem, type DenseCase, type DenseProblem } from './problems.js';
export { referenceConditional, referenceBackward, referenceDense, type ReferenceForward, type ReferenceGradients } from './reference.js';
export { backwardInputs } from './backward-inputs.js';
export { referenceConditionalQ8, referenceQuantizeToken, compareWithFloat, type FloatComparison, type ReferenceForwardQ8 } from './reference-q8.js';
