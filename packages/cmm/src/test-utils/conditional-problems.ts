// The conditional problems and checks the conformance suites share (conformance-suite.ts
// for every kernel, q8-conformance-suite.ts for the q8 ones): seeded problems kept for the
// run, the exact-zero and NaN problems, and the typed errors of prepare.
import { expect, it } from 'vitest';
import { ShapeError } from '@ufbert/tensor';
import { TreeShapeError } from '../errors.js';
import { expectIdentical } from './compare.js';
import { conditionalCaseName, randomConditional, referenceConditional, type ConditionalCase, type ConditionalProblem } from '../conformance/index.js';
import { nodesPerTree } from '../tree.js';
import type { ConditionalShape, ConditionalWeights } from '../types.js';

// Problems are shared by every kernel of a run: generating the big ones costs more than running them.
const problems = new Map<string, ConditionalProblem>();
export function problemFor(c: ConditionalCase, seed: number): ConditionalProblem {
  const key = `${seed}:${conditionalCaseName(c)}:${c.logitScale ?? 3}`;
  let p = problems.get(key);
  if (!p) {
    p = randomConditional(seed, c);
    problems.set(key, p);
  }
  return p;
}

export function expectPathsMatch(nodes: Int32Array, problem: ConditionalProblem): ReturnType<typeof referenceConditional> {
  const ref = referenceConditional(problem.shape, problem.weights, problem.x, problem.batch, nodes);
  expect(ref.mismatches.slice(0, 5)).toEqual([]);
  expectIdentical(nodes, ref.nodes, 'nodes');
  // Near-ties are rare; if most visits were, the test would prove nothing.
  expect(ref.ambiguous).toBeLessThan(Math.max(2, nodes.length / 100));
  return ref;
}

/**
 * Weights and inputs with logits of exactly 0: token 0 is all zeros (every logit is a
 * zero bias), token 1 is zero where tree 0's weights are not, token 2 meets products
 * that cancel exactly, token 3 has -0 inputs. All of them must go left in tree 0.
 */
export function zeroLogitProblem(): ConditionalProblem {
  const shape: ConditionalShape = { trees: 2, depth: 3, inputSize: 8, outputSize: 3 };
  const n = nodesPerTree(shape.depth);
  const base = randomConditional(7, { ...shape, batch: 5 });
  const wIn = base.weights.wIn.values;
  const bIn = base.weights.bIn.values;
  const x = base.x;
  for (let i = 0; i < n; i++) {
    bIn[i] = 0;
    for (let j = 0; j < 8; j++) wIn[i * 8 + j] = j < 4 ? 0 : i % 2 === 0 ? 0.5 : -0.25;
  }
  for (let j = 0; j < 8; j++) {
    x[j] = 0;
    x[8 + j] = j < 4 ? 1 + j : 0;
    x[16 + j] = j < 4 ? 3 : j % 2 === 0 ? 1 : -1;
    x[24 + j] = -0;
  }
  return base;
}

export function leftmostPath(tree: number, depth: number): number[] {
  return Array.from({ length: depth + 1 }, (_, l) => tree * nodesPerTree(depth) + 2 ** l - 1);
}

export function nanProblem(): ConditionalProblem {
  const p = randomConditional(11, { trees: 3, depth: 4, inputSize: 19, outputSize: 6, batch: 3 });
  p.x[19 + 5] = NaN;
  return p;
}

export async function expectNanBehaviour(
  problem: ConditionalProblem,
  y: Float32Array,
  nodes: Int32Array,
  clean: (rows: number[]) => Promise<{ y: Float32Array; nodes: Int32Array }> | { y: Float32Array; nodes: Int32Array },
): Promise<void> {
  const { trees, depth, outputSize: o } = problem.shape;
  const visits = trees * (depth + 1);
  const expected = Array.from({ length: trees }, (_, t) => leftmostPath(t, depth)).flat();
  expect(Array.from(nodes.subarray(visits, 2 * visits))).toEqual(expected);
  expect(Array.from(y.subarray(o, 2 * o)).every(Number.isNaN)).toBe(true);
  const others = await clean([0, 2]);
  expect(Array.from(y.subarray(0, o))).toEqual(Array.from(others.y.subarray(0, o)));
  expect(Array.from(y.subarray(2 * o, 3 * o))).toEqual(Array.from(others.y.subarray(o, 2 * o)));
  expect(Array.from(nodes.subarray(0, visits))).toEqual(Array.from(others.nodes.subarray(0, visits)));
}

export function rowsOf(x: Float32Array, width: number, rows: number[]): Float32Array {
  const out = new Float32Array(rows.length * width);
  rows.forEach((r, i) => out.set(x.subarray(r * width, (r + 1) * width), i * width));
  return out;
}

export function withShape(weights: ConditionalWeights, name: keyof ConditionalWeights, shape: number[]): ConditionalWeights {
  const size = shape.reduce((a, b) => a * b, 1);
  return { ...weights, [name]: { values: new Float32Array(size), shape } };
}

export function describeShapeErrors(prepare: (weights: ConditionalWeights, shape: ConditionalShape) => unknown): void {
  it('throws typed errors for wrong weight shapes and tree sizes', () => {
    const shape: ConditionalShape = { trees: 1, depth: 11, inputSize: 768, outputSize: 768 };
    const weights: ConditionalWeights = {
      wIn: { values: new Float32Array(4095 * 768), shape: [4095, 768] },
      bIn: { values: new Float32Array(4095), shape: [4095] },
      wOut: { values: new Float32Array(768 * 4095), shape: [768, 4095] },
    };
    expect(() => prepare(withShape(weights, 'wIn', [4095, 512]), shape)).toThrow(
      new ShapeError('expected linear_in.weight of shape [4095, 768], got [4095, 512]'),
    );
    expect(() => prepare(weights, { ...shape, depth: 10 })).toThrow(ShapeError);
    expect(() => prepare(withShape(weights, 'bIn', [4094]), shape)).toThrow(/linear_in.bias/);
    expect(() => prepare(withShape(weights, 'wOut', [4095, 768]), shape)).toThrow(/linear_out.weight of shape \[768, 4095\]/);
    expect(() => prepare(weights, { ...shape, trees: 1.5 })).toThrow(TreeShapeError);
    expect(() => prepare(weights, { ...shape, trees: 0 })).toThrow(TreeShapeError);
    expect(() => prepare(weights, { ...shape, depth: -1 })).toThrow(TreeShapeError);
    expect(() => prepare(weights, { ...shape, depth: 2.5 })).toThrow(TreeShapeError);
  });
}
