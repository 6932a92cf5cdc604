// Conformance cases of @ufbert/cmm, in the page: every webgpu kernel against its
// TypeScript counterpart on the same inputs (the CPU kernels are checked against the
// float64 oracle by the package's own suite, in Node).
import {
  conditionalBackwardTs,
  conditionalForwardTrainTs,
  conditionalMatmulTsFused,
  denseMatmulTsLevel3,
  nodesPerTree,
  type ConditionalShape,
  type ConditionalWeights,
  type DenseShape,
  type DenseWeights,
} from '@ufbert/cmm';
import {
  conditionalBackwardWebGpu,
  conditionalForwardTrainWebGpu,
  conditionalMatmulWebGpu,
  denseMatmulWebGpuFused,
  denseMatmulWebGpuLevel3,
  initWebGpu,
} from '@ufbert/cmm/webgpu';
import { Rng, relativeError } from '@ufbert/tensor';
import { sameValues, withinTolerance, type CheckResult } from './report.js';

/** Relative tolerance of the cmm conformance suite. */
const TOLERANCE = 1e-5;

interface ConditionalCase extends ConditionalShape {
  readonly batch: number;
}

const CONDITIONAL_CASES: readonly ConditionalCase[] = [
  { trees: 1, depth: 0, inputSize: 1, outputSize: 1, batch: 1 },
  { trees: 2, depth: 3, inputSize: 17, outputSize: 9, batch: 33 },
  { trees: 3, depth: 5, inputSize: 33, outputSize: 40, batch: 64 },
  { trees: 1, depth: 11, inputSize: 64, outputSize: 48, batch: 20 },
];

const TRAINING_CASES: readonly ConditionalCase[] = [
  { trees: 3, depth: 4, inputSize: 17, outputSize: 9, batch: 20 },
  { trees: 16, depth: 2, inputSize: 33, outputSize: 40, batch: 64 },
];

const DENSE_CASES: ReadonlyArray<DenseShape & { batch: number; bias: boolean }> = [
  { inputSize: 3, hiddenSize: 7, outputSize: 5, batch: 9, bias: true },
  { inputSize: 33, hiddenSize: 100, outputSize: 40, batch: 13, bias: false },
];

const label = (c: ConditionalCase) => `k=${c.trees} d=${c.depth} H=${c.inputSize} O=${c.outputSize} B=${c.batch}`;

function uniform(rng: Rng, size: number, scale: number): Float32Array {
  return rng.fillUniform(new Float32Array(size), -scale, scale);
}

function conditionalProblem(seed: number, c: ConditionalCase): { weights: ConditionalWeights; x: Float32Array } {
  const rng = new Rng(seed);
  const n = c.trees * nodesPerTree(c.depth);
  return {
    weights: {
      wIn: { values: uniform(rng, n * c.inputSize, 3 / Math.sqrt(c.inputSize)), shape: [n, c.inputSize] },
      bIn: { values: uniform(rng, n, 0.3), shape: [n] },
      wOut: { values: uniform(rng, c.outputSize * n, 1), shape: [c.outputSize, n] },
    },
    x: uniform(rng, c.batch * c.inputSize, 1),
  };
}

async function conditionalMatmulChecks(): Promise<CheckResult[]> {
  const checks: CheckResult[] = [];
  for (const [i, c] of CONDITIONAL_CASES.entries()) {
    const { weights, x } = conditionalProblem(100 + i, c);
    const gpu = conditionalMatmulWebGpu.prepare(weights, c);
    const cpu = conditionalMatmulTsFused.prepare(weights, c);
    const actual = await conditionalMatmulWebGpu.run(gpu, x, c.batch, { returnNodes: true });
    const expected = conditionalMatmulTsFused.run(cpu, x, c.batch, { returnNodes: true });
    gpu.dispose();
    cpu.dispose();
    checks.push(sameValues(`ConditionalMatmul ${label(c)} nodes`, actual.nodes!, expected.nodes!));
    checks.push(withinTolerance(`ConditionalMatmul ${label(c)} y`, relativeError(actual.y, expected.y), TOLERANCE));
  }
  return checks;
}

async function denseChecks(): Promise<CheckResult[]> {
  const checks: CheckResult[] = [];
  for (const [i, c] of DENSE_CASES.entries()) {
    const rng = new Rng(200 + i);
    const weights: DenseWeights = {
      wIn: { values: uniform(rng, c.hiddenSize * c.inputSize, 3 / Math.sqrt(c.inputSize)), shape: [c.hiddenSize, c.inputSize] },
      bIn: c.bias ? { values: uniform(rng, c.hiddenSize, 0.3), shape: [c.hiddenSize] } : undefined,
      wOut: { values: uniform(rng, c.outputSize * c.hiddenSize, 1 / Math.sqrt(c.hiddenSize)), shape: [c.outputSize, c.hiddenSize] },
    };
    const x = uniform(rng, c.batch * c.inputSize, 1);
    const cpu = denseMatmulTsLevel3.prepare(weights, c);
    const expected = denseMatmulTsLevel3.run(cpu, x, c.batch).y;
    cpu.dispose();
    for (const kernel of [denseMatmulWebGpuLevel3, denseMatmulWebGpuFused]) {
      const gpu = kernel.prepare(weights, c);
      const { y } = await kernel.run(gpu, x, c.batch);
      gpu.dispose();
      const name = `DenseMatmul/${kernel.level} H=${c.inputSize} M=${c.hiddenSize} O=${c.outputSize} B=${c.batch}`;
      checks.push(withinTolerance(name, relativeError(y, expected), TOLERANCE));
    }
  }
  return checks;
}

async function trainingChecks(): Promise<CheckResult[]> {
  const checks: CheckResult[] = [];
  for (const [i, c] of TRAINING_CASES.entries()) {
    const { weights, x } = conditionalProblem(300 + i, c);
    const forwardGpu = conditionalForwardTrainWebGpu.prepare(c);
    const forwardCpu = conditionalForwardTrainTs.prepare(c);
    const actual = await conditionalForwardTrainWebGpu.run(forwardGpu, { x, batch: c.batch, weights });
    const expected = conditionalForwardTrainTs.run(forwardCpu, { x, batch: c.batch, weights });
    checks.push(sameValues(`ConditionalForwardTrain ${label(c)} nodes`, actual.nodes, expected.nodes));
    checks.push(withinTolerance(`ConditionalForwardTrain ${label(c)} y`, relativeError(actual.y, expected.y), TOLERANCE));
    checks.push(withinTolerance(`ConditionalForwardTrain ${label(c)} logits`, relativeError(actual.logits, expected.logits), TOLERANCE));

    const dy = uniform(new Rng(500 + i), c.batch * c.outputSize, 1);
    const inputs = { dy, x, batch: c.batch, wIn: weights.wIn, wOut: weights.wOut, nodes: expected.nodes, logits: expected.logits };
    const backwardGpu = conditionalBackwardWebGpu.prepare(c);
    const backwardCpu = conditionalBackwardTs.prepare(c);
    const grads = await conditionalBackwardWebGpu.run(backwardGpu, inputs);
    const again = await conditionalBackwardWebGpu.run(backwardGpu, inputs);
    const reference = conditionalBackwardTs.run(backwardCpu, inputs);
    for (const key of ['dx', 'dWIn', 'dbIn', 'dWOut'] as const) {
      checks.push(withinTolerance(`ConditionalBackward ${label(c)} ${key}`, relativeError(grads[key], reference[key]), TOLERANCE));
      checks.push(sameValues(`ConditionalBackward ${label(c)} ${key} is deterministic`, again[key], grads[key]));
    }
    for (const p of [forwardGpu, forwardCpu, backwardGpu, backwardCpu]) p.dispose();
  }
  return checks;
}

export async function runConformanceChecks(): Promise<CheckResult[]> {
  await initWebGpu();
  return [...(await conditionalMatmulChecks()), ...(await denseChecks()), ...(await trainingChecks())];
}
