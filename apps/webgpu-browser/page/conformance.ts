// @ufbert/cmm's conformance cases in the page: every webgpu kernel of cmm's registry, on
// navigator.gpu, against the float64 oracle, with the cases, seeds and tolerance that
// cmm's own suite uses in Node (@ufbert/cmm/conformance).
import { kernelLabel, listKernels, type KernelName, type KernelOf } from '@ufbert/cmm';
import * as conformance from '@ufbert/cmm/conformance';
import type { ConditionalProblem } from '@ufbert/cmm/conformance';
import { initWebGpu } from '@ufbert/cmm/webgpu';
import { relativeError } from '@ufbert/tensor';
import { sameValues, withinTolerance, type CheckResult } from './report.js';

/**
 * Whether a kernel's visited nodes are the oracle's: a float32 kernel may route a logit
 * within its rounding error of 0 either way (the oracle follows it there), but few visits
 * may be such near-ties, or the case would prove nothing.
 */
function pathCheck(name: string, nodes: Int32Array, problem: ConditionalProblem): { check: CheckResult; y: Float64Array; logits: Float64Array } {
  const ref = conformance.referenceConditional(problem.shape, problem.weights, problem.x, problem.batch, nodes);
  const limit = Math.max(2, nodes.length / 100);
  const same = sameValues(name, nodes, ref.nodes);
  const problems = [
    ...ref.mismatches.slice(0, 3).map((m) => `took the other branch at ${m}`),
    ...(same.ok ? [] : [same.detail]),
    ...(ref.ambiguous < limit ? [] : [`${ref.ambiguous} of ${nodes.length} visits are near-ties (expected fewer than ${limit})`]),
  ];
  const check = { name, ok: problems.length === 0, detail: problems.length ? problems.join('; ') : `${nodes.length} visits as the oracle's` };
  return { check, y: ref.y, logits: ref.logits };
}

async function conditionalMatmulChecks(kernel: KernelOf<'ConditionalMatmul', 'webgpu'>): Promise<CheckResult[]> {
  const label = kernelLabel(kernel);
  const checks: CheckResult[] = [];
  for (const [i, c] of conformance.CONDITIONAL_CASES.entries()) {
    const problem = conformance.randomConditional(conformance.CASE_SEEDS.conditionalMatmul + i, c);
    const prepared = kernel.prepare(problem.weights, problem.shape);
    try {
      const { y, nodes } = await kernel.run(prepared, problem.x, problem.batch, { returnNodes: true });
      const name = `${label} ${conformance.conditionalCaseName(c)}`;
      const paths = pathCheck(`${name} nodes`, nodes!, problem);
      checks.push(paths.check, withinTolerance(`${name} y`, relativeError(y, paths.y), conformance.TOLERANCE));
    } finally {
      prepared.dispose();
    }
  }
  return checks;
}

async function denseMatmulChecks(kernel: KernelOf<'DenseMatmul', 'webgpu'>): Promise<CheckResult[]> {
  const label = kernelLabel(kernel);
  const checks: CheckResult[] = [];
  for (const [i, c] of conformance.DENSE_CASES.entries()) {
    const problem = conformance.randomDense(conformance.CASE_SEEDS.denseMatmul + i, c);
    const prepared = kernel.prepare(problem.weights, problem.shape);
    try {
      const { y } = await kernel.run(prepared, problem.x, problem.batch);
      const expected = conformance.referenceDense(problem.shape, problem.weights, problem.x, problem.batch);
      checks.push(withinTolerance(`${label} ${conformance.denseCaseName(c)} y`, relativeError(y, expected), conformance.TOLERANCE));
    } finally {
      prepared.dispose();
    }
  }
  return checks;
}

async function forwardTrainChecks(kernel: KernelOf<'ConditionalForwardTrain', 'webgpu'>): Promise<CheckResult[]> {
  const label = kernelLabel(kernel);
  const checks: CheckResult[] = [];
  for (const [i, c] of conformance.TRAINING_CASES.entries()) {
    const problem = conformance.randomConditional(conformance.CASE_SEEDS.forwardTrain + i, c);
    const prepared = kernel.prepare(problem.shape);
    try {
      const inputs = { x: problem.x, batch: problem.batch, weights: problem.weights };
      const { y, nodes, logits } = await kernel.run(prepared, inputs);
      const again = await kernel.run(prepared, inputs);
      const name = `${label} ${conformance.conditionalCaseName(c)}`;
      const paths = pathCheck(`${name} nodes`, nodes, problem);
      checks.push(
        paths.check,
        withinTolerance(`${name} y`, relativeError(y, paths.y), conformance.TOLERANCE),
        withinTolerance(`${name} logits`, relativeError(logits, paths.logits), conformance.TOLERANCE),
        sameValues(`${name} y and logits of a second step`, [...again.y, ...again.logits], [...y, ...logits]),
      );
    } finally {
      prepared.dispose();
    }
  }
  return checks;
}

const nonZero = (v: number): boolean => v !== 0;

/** Whether every gradient entry of a neuron no token visited is exactly 0. */
function onlyVisited(
  name: string,
  problem: ConditionalProblem,
  nodes: Int32Array,
  grads: { dWIn: Float32Array; dbIn: Float32Array; dWOut: Float32Array },
): CheckResult {
  const { inputSize: h, outputSize: o } = problem.shape;
  const neurons = problem.weights.bIn.values.length;
  const visited = new Uint8Array(neurons);
  for (const i of nodes) visited[i] = 1;
  const column = (i: number) => Array.from({ length: o }, (_, r) => grads.dWOut[r * neurons + i]);
  let touched = 0;
  for (let i = 0; i < neurons; i++) {
    if (!visited[i] && (grads.dbIn[i] !== 0 || grads.dWIn.subarray(i * h, (i + 1) * h).some(nonZero) || column(i).some(nonZero))) touched++;
  }
  return {
    name,
    ok: touched === 0,
    detail: touched === 0 ? 'no gradient on unvisited neurons' : `${touched} unvisited neurons have a gradient (expected none)`,
  };
}

async function backwardChecks(kernel: KernelOf<'ConditionalBackward', 'webgpu'>): Promise<CheckResult[]> {
  const label = kernelLabel(kernel);
  const checks: CheckResult[] = [];
  for (const [i, c] of conformance.TRAINING_CASES.entries()) {
    const problem = conformance.randomConditional(conformance.CASE_SEEDS.backward + i, c);
    const { shape, weights, x, batch } = problem;
    const { forward, inputs } = conformance.backwardInputs(problem, conformance.CASE_SEEDS.backwardUpstream + i);
    const prepared = kernel.prepare(shape);
    try {
      const grads = await kernel.run(prepared, inputs);
      const again = await kernel.run(prepared, inputs);
      const ref = conformance.referenceBackward(shape, weights.wIn.values, weights.wOut.values, x, inputs.dy, batch, forward.nodes, inputs.logits);
      const name = `${label} ${conformance.conditionalCaseName(c)}`;
      for (const key of ['dx', 'dWIn', 'dbIn', 'dWOut'] as const) {
        checks.push(withinTolerance(`${name} ${key}`, relativeError(grads[key], ref[key]), conformance.TOLERANCE));
        checks.push(sameValues(`${name} ${key} of a second run`, again[key], grads[key]));
      }
      checks.push(onlyVisited(`${name} unvisited neurons`, problem, forward.nodes, grads));
    } finally {
      prepared.dispose();
    }
  }
  return checks;
}

/** One webgpu kernel of cmm's registry on the cases of its kind (the GPU bench bundle of apps/bench runs them kernel by kernel). */
export async function kernelConformanceChecks(kernel: KernelOf<KernelName, 'webgpu'>): Promise<CheckResult[]> {
  switch (kernel.kernelName) {
    case 'ConditionalMatmul':
      return conditionalMatmulChecks(kernel);
    case 'DenseMatmul':
      return denseMatmulChecks(kernel);
    case 'ConditionalForwardTrain':
      return forwardTrainChecks(kernel);
    case 'ConditionalBackward':
      return backwardChecks(kernel);
  }
}

/** Every webgpu kernel in cmm's registry, each on the cases of its kind. */
export async function runConformanceChecks(): Promise<CheckResult[]> {
  await initWebGpu();
  const checks: CheckResult[] = [];
  for (const kernel of listKernels(undefined, ['webgpu'])) checks.push(...(await kernelConformanceChecks(kernel)));
  return checks;
}
