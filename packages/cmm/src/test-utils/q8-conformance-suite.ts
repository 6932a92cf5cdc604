// The conformance suite of ConditionalMatmul kernels on q8 weights: every case of
// CONDITIONAL_CASES (same seeds as the fp32 kernels), held to two oracles (see
// conformance/reference-q8.ts): the q8 semantics in float64 on the kernel's int8 tables,
// to the float32 TOLERANCE and the same routes; and the float64 oracle of the original
// weights, to the bounds the quantization itself gives. Then the edge cases every
// conditional kernel meets (exact zeros go left, NaN, batches, errors), and cases aimed at
// the scales: rows whose magnitudes differ by 10^6, so that a per-tensor scale, a swapped
// or missing scale, shows.
import { describe, expect, it } from 'vitest';
import { ShapeError } from '@ufbert/tensor';
import { PreparedKernelError, QuantizationError } from '../errors.js';
import { conditionalMatmulTsQ8 } from '../kernels/ts/conditional-matmul-q8.js';
import { kernelLabel } from '../prepared.js';
import { quantizeConditional } from '../quantize.js';
import { expectIdentical } from './compare.js';
import { describeShapeErrors, expectNanBehaviour, leftmostPath, nanProblem, problemFor, rowsOf, zeroLogitProblem } from './conditional-problems.js';
import {
  CASE_SEEDS,
  CONDITIONAL_CASES,
  TOLERANCE,
  compareWithFloat,
  conditionalCaseName,
  randomConditional,
  referenceConditionalQ8,
  type ConditionalProblem,
  type ReferenceForwardQ8,
} from '../conformance/index.js';
import type { ConditionalMatmulKernel } from '../types.js';
import type { WebGpuConditionalMatmulKernel } from '../webgpu/types.js';

/** |y - ref.y| <= TOLERANCE * max |ref.y| + ref.yError elementwise (the float32 tolerance plus the coefficients' i16 levels). */
function expectCloseQ8(y: Float32Array, ref: ReferenceForwardQ8, what: string): void {
  expect(y.length, `${what}: length`).toBe(ref.y.length);
  let maxRef = 0;
  for (const v of ref.y) if (Number.isFinite(v)) maxRef = Math.max(maxRef, Math.abs(v));
  for (let i = 0; i < y.length; i++) {
    if (Number.isNaN(ref.y[i]) || Number.isNaN(y[i])) {
      if (Number.isNaN(ref.y[i]) !== Number.isNaN(y[i])) expect.fail(`${what}[${i}]: got ${y[i]}, expected ${ref.y[i]}`);
      continue;
    }
    const bound = TOLERANCE * maxRef + ref.yError[i] + 1e-30;
    if (!(Math.abs(y[i] - ref.y[i]) <= bound))
      expect.fail(`${what}[${i}]: got ${y[i]}, expected ${ref.y[i]} (|diff| ${Math.abs(y[i] - ref.y[i]).toExponential(3)} > ${bound.toExponential(3)})`);
  }
}

/** The kernel's nodes and y against both oracles; returns how many tokens left the float route at a near-tie. */
function expectBothOracles(problem: ConditionalProblem, nodes: Int32Array, y: Float32Array): number {
  const { shape, weights, x, batch } = problem;
  const tables = quantizeConditional(weights, shape);
  const q8 = referenceConditionalQ8(shape, tables, x, batch, nodes);
  expect(q8.mismatches.slice(0, 5)).toEqual([]);
  expectIdentical(nodes, q8.nodes, 'nodes');
  expect(q8.ambiguous).toBeLessThan(Math.max(2, nodes.length / 100));
  expectCloseQ8(y, q8, 'y against the q8 oracle');
  const float = compareWithFloat(shape, weights, tables, x, batch, nodes, y);
  expect(float.routeMismatches.slice(0, 5)).toEqual([]);
  expect(float.yViolations.slice(0, 5)).toEqual([]);
  // most tokens keep the float route, so the y bound is checked on most of them, not vacuously
  expect(float.comparedTokens).toBeGreaterThanOrEqual(batch / 2);
  return float.divergedTokens;
}

/** A problem whose rows of linear_in and columns of linear_out have magnitudes from 1e-3 to 1e3. */
function scaleSpreadProblem(): ConditionalProblem {
  const p = randomConditional(17, { trees: 2, depth: 5, inputSize: 40, outputSize: 24, batch: 200 });
  const { inputSize: h, outputSize: o } = p.shape;
  const neurons = p.weights.bIn.values.length;
  for (let i = 0; i < neurons; i++) {
    const inScale = 10 ** ((i % 7) - 3);
    for (let j = 0; j < h; j++) p.weights.wIn.values[i * h + j] *= inScale;
    p.weights.bIn.values[i] *= inScale;
    const outScale = 10 ** ((i % 5) - 2);
    for (let r = 0; r < o; r++) p.weights.wOut.values[r * neurons + i] *= outScale;
  }
  // tokens of very different sizes too: the activation scale is per token
  for (let b = 0; b < p.batch; b++) for (let j = 0; j < h; j++) p.x[b * h + j] *= 10 ** ((b % 5) - 2);
  return p;
}

export function describeConditionalMatmulQ8Conformance(kernel: ConditionalMatmulKernel | WebGpuConditionalMatmulKernel): void {
  describe.skipIf(!kernel.isSupported())(kernelLabel(kernel), () => {
    for (const [index, c] of CONDITIONAL_CASES.entries()) {
      it(`matches the q8 oracle, and the float64 oracle within the quantization bound, ${conditionalCaseName(c)}`, async () => {
        const problem = problemFor(c, CASE_SEEDS.conditionalMatmul + index);
        const prepared = kernel.prepare(problem.weights, problem.shape);
        try {
          const { y, nodes } = await kernel.run(prepared, problem.x, problem.batch, { returnNodes: true });
          expectBothOracles(problem, nodes!, y);
          const plain = await kernel.run(prepared, problem.x, problem.batch);
          expect(plain.nodes).toBeUndefined();
          expectIdentical(plain.y, y, 'y without nodes');
        } finally {
          prepared.dispose();
        }
      });
    }

    it('uses each row its own scale and each token its own (rows and tokens 1e-3 to 1e3)', async () => {
      const problem = scaleSpreadProblem();
      const prepared = kernel.prepare(problem.weights, problem.shape);
      try {
        const { y, nodes } = await kernel.run(prepared, problem.x, problem.batch, { returnNodes: true });
        expectBothOracles(problem, nodes!, y);
      } finally {
        prepared.dispose();
      }
    });

    it('runs already-quantized tables (prepareQuantized) as it runs the weights they came from', async () => {
      const problem = problemFor(CONDITIONAL_CASES[4], CASE_SEEDS.conditionalMatmul + 4);
      const tables = quantizeConditional(problem.weights, problem.shape);
      expect(kernel.prepareQuantized).toBeTypeOf('function');
      const fromTables = kernel.prepareQuantized!(tables, problem.shape);
      const fromFloats = kernel.prepare(problem.weights, problem.shape);
      try {
        const a = await kernel.run(fromTables, problem.x, problem.batch, { returnNodes: true });
        const b = await kernel.run(fromFloats, problem.x, problem.batch, { returnNodes: true });
        expectIdentical(a.y, b.y, 'y');
        expectIdentical(a.nodes!, b.nodes!, 'nodes');
      } finally {
        fromTables.dispose();
        fromFloats.dispose();
      }
      expect(() => kernel.prepareQuantized!({ ...tables, wOutScale: tables.wOutScale.subarray(1) }, problem.shape)).toThrow(/wOutScale of shape/);
      const nanScale = tables.wInScale.slice();
      nanScale[3] = NaN;
      expect(() => kernel.prepareQuantized!({ ...tables, wInScale: nanScale }, problem.shape)).toThrow(QuantizationError);
    });

    it('names a weight it cannot quantize', () => {
      const problem = randomConditional(19, { trees: 1, depth: 2, inputSize: 5, outputSize: 3, batch: 1 });
      const wIn = problem.weights.wIn.values.slice();
      wIn[2 * 5 + 4] = NaN;
      expect(() => kernel.prepare({ ...problem.weights, wIn: { values: wIn, shape: [7, 5] } }, problem.shape)).toThrow(
        new QuantizationError('cannot quantize linear_in.weight: value NaN at [2, 4]; expected finite weights'),
      );
      const wOut = problem.weights.wOut.values.slice();
      wOut[1 * 7 + 6] = -Infinity;
      expect(() => kernel.prepare({ ...problem.weights, wOut: { values: wOut, shape: [3, 7] } }, problem.shape)).toThrow(
        new QuantizationError('cannot quantize linear_out.weight: value -Infinity at [1, 6]; expected finite weights'),
      );
    });

    it('gives the bits of the reference implementation (ts/fused/q8): the same integers, then the same float32 steps', async () => {
      const problem = problemFor(CONDITIONAL_CASES[6], CASE_SEEDS.conditionalMatmul + 6);
      const prepared = kernel.prepare(problem.weights, problem.shape);
      const reference = conditionalMatmulTsQ8.prepare(problem.weights, problem.shape);
      try {
        const got = await kernel.run(prepared, problem.x, problem.batch, { returnNodes: true });
        const want = conditionalMatmulTsQ8.run(reference, problem.x, problem.batch, { returnNodes: true });
        expectIdentical(got.nodes!, want.nodes!, 'nodes');
        expectIdentical(got.y, want.y, 'y');
      } finally {
        prepared.dispose();
        reference.dispose();
      }
    });

    it('gives each token the same bits whatever batch it is in', async () => {
      const problem = problemFor({ trees: 2, depth: 6, inputSize: 37, outputSize: 19, batch: 300 }, 3);
      const prepared = kernel.prepare(problem.weights, problem.shape);
      try {
        const all = await kernel.run(prepared, problem.x, problem.batch, { returnNodes: true });
        const { inputSize: h, outputSize: o, trees, depth } = problem.shape;
        const visits = trees * (depth + 1);
        for (const rows of [[0], [1, 2, 3], [299], Array.from({ length: 70 }, (_, i) => 100 + 2 * i)]) {
          const part = await kernel.run(prepared, rowsOf(problem.x, h, rows), rows.length, { returnNodes: true });
          rows.forEach((r, i) => {
            expectIdentical(part.y.subarray(i * o, (i + 1) * o), all.y.subarray(r * o, (r + 1) * o), `y of token ${r}`);
            expectIdentical(part.nodes!.subarray(i * visits, (i + 1) * visits), all.nodes!.subarray(r * visits, (r + 1) * visits), `nodes of token ${r}`);
          });
        }
      } finally {
        prepared.dispose();
      }
    });

    it('sends a logit of exactly 0 left', async () => {
      const problem = zeroLogitProblem();
      const prepared = kernel.prepare(problem.weights, problem.shape);
      const { y, nodes } = await kernel.run(prepared, problem.x, problem.batch, { returnNodes: true });
      prepared.dispose();
      const visits = 2 * 4;
      for (const token of [0, 1, 2, 3]) expect(Array.from(nodes!.subarray(token * visits, token * visits + 4))).toEqual(leftmostPath(0, 3));
      const ref = referenceConditionalQ8(problem.shape, quantizeConditional(problem.weights, problem.shape), problem.x, problem.batch, nodes);
      expectIdentical(nodes!, ref.nodes, 'nodes');
      expectCloseQ8(y, ref, 'y');
    });

    it('sends NaN left and returns NaN for that token only', async () => {
      const problem = nanProblem();
      const prepared = kernel.prepare(problem.weights, problem.shape);
      try {
        const { y, nodes } = await kernel.run(prepared, problem.x, problem.batch, { returnNodes: true });
        await expectNanBehaviour(problem, y, nodes!, async (rows) => {
          const r = await kernel.run(prepared, rowsOf(problem.x, problem.shape.inputSize, rows), rows.length, { returnNodes: true });
          return { y: r.y, nodes: r.nodes! };
        });
      } finally {
        prepared.dispose();
      }
    });

    it('writes into a given output array and handles an empty batch', async () => {
      const problem = problemFor(CONDITIONAL_CASES[3], CASE_SEEDS.conditionalMatmul + 3);
      const prepared = kernel.prepare(problem.weights, problem.shape);
      try {
        const fresh = await kernel.run(prepared, problem.x, problem.batch);
        const out = new Float32Array(fresh.y.length).fill(NaN);
        const given = await kernel.run(prepared, problem.x, problem.batch, { out });
        expect(given.y).toBe(out);
        expectIdentical(out, fresh.y, 'y');
        expect(() => kernel.run(prepared, problem.x, problem.batch, { out: out.subarray(1) })).toThrow(ShapeError);
        const empty = await kernel.run(prepared, new Float32Array(0), 0, { returnNodes: true });
        expect(empty.y.length).toBe(0);
        expect(empty.nodes!.length).toBe(0);
      } finally {
        prepared.dispose();
      }
    });

    describeShapeErrors((weights, shape) => kernel.prepare(weights, shape));

    it('rejects inputs of the wrong size, foreign and disposed prepared weights', () => {
      const problem = problemFor(CONDITIONAL_CASES[2], CASE_SEEDS.conditionalMatmul + 2);
      const prepared = kernel.prepare(problem.weights, problem.shape);
      expect(() => kernel.run(prepared, problem.x.subarray(1), problem.batch)).toThrow(
        new ShapeError(`expected x of shape [33, 17] (561 values), got 560 values`),
      );
      const foreign = { shape: problem.shape, dispose() {} };
      expect(() => kernel.run(foreign, problem.x, problem.batch)).toThrow(PreparedKernelError);
      prepared.dispose();
      expect(() => kernel.run(prepared, problem.x, problem.batch)).toThrow(PreparedKernelError);
    });
  });
}
