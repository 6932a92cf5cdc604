// The one conformance suite every kernel runs, whatever its backend and level:
// describeKernelConformance(kernel) registers vitest cases comparing it with the
// float64 oracle of ../conformance (whose cases a browser page runs too). Every run is awaited, so webgpu kernels,
// whose run answers with a Promise, take the same cases; argument errors still throw
// synchronously on every backend.
import { describe, expect, it } from 'vitest';
import { ShapeError } from '@ufbert/tensor';
import { InvalidPathError, PreparedKernelError, TreeShapeError } from '../errors.js';
import {
  describeShapeErrors,
  expectNanBehaviour,
  expectPathsMatch,
  leftmostPath,
  nanProblem,
  problemFor,
  rowsOf,
  zeroLogitProblem,
} from './conditional-problems.js';
import { describeConditionalMatmulQ8Conformance } from './q8-conformance-suite.js';
import { kernelLabel } from '../prepared.js';
import { expectClose, expectIdentical } from './compare.js';
import {
  CASE_SEEDS,
  CONDITIONAL_CASES,
  DENSE_CASES,
  TOLERANCE,
  TRAINING_CASES,
  backwardInputs,
  conditionalCaseName,
  denseCaseName,
  randomArray,
  randomDense,
  referenceBackward,
  referenceConditional,
  referenceDense,
} from '../conformance/index.js';
import { gatherColumns } from '../path-groups.js';
import type { ConditionalBackwardKernel, ConditionalForwardTrainKernel, ConditionalMatmulKernel, DenseMatmulKernel, Kernel } from '../types.js';
import type {
  WebGpuConditionalBackwardKernel,
  WebGpuConditionalForwardTrainKernel,
  WebGpuConditionalMatmulKernel,
  WebGpuDenseMatmulKernel,
  WebGpuKernel,
} from '../webgpu/types.js';

const caseName = conditionalCaseName;

export function describeConditionalMatmulConformance(kernel: ConditionalMatmulKernel | WebGpuConditionalMatmulKernel): void {
  describe.skipIf(!kernel.isSupported())(kernelLabel(kernel), () => {
    for (const [index, c] of CONDITIONAL_CASES.entries()) {
      it(`matches the float64 oracle, ${caseName(c)}`, async () => {
        const problem = problemFor(c, CASE_SEEDS.conditionalMatmul + index);
        const prepared = kernel.prepare(problem.weights, problem.shape);
        try {
          const { y, nodes } = await kernel.run(prepared, problem.x, problem.batch, { returnNodes: true });
          expect(nodes).toBeInstanceOf(Int32Array);
          const ref = expectPathsMatch(nodes!, problem);
          expectClose(y, ref.y, TOLERANCE, 'y');
          const plain = await kernel.run(prepared, problem.x, problem.batch);
          expect(plain.nodes).toBeUndefined();
          expectIdentical(plain.y, y, 'y without nodes');
        } finally {
          prepared.dispose();
        }
      });
    }

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
      const ref = referenceConditional(problem.shape, problem.weights, problem.x, problem.batch, nodes);
      expectIdentical(nodes!, ref.nodes, 'nodes');
      expectClose(y, ref.y, TOLERANCE, 'y');
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

    it('writes into a given output array', async () => {
      const problem = problemFor(CONDITIONAL_CASES[3], 103);
      const prepared = kernel.prepare(problem.weights, problem.shape);
      try {
        const fresh = await kernel.run(prepared, problem.x, problem.batch);
        const out = new Float32Array(fresh.y.length).fill(NaN);
        const given = await kernel.run(prepared, problem.x, problem.batch, { out });
        expect(given.y).toBe(out);
        expectIdentical(out, fresh.y, 'y');
        expect(() => kernel.run(prepared, problem.x, problem.batch, { out: out.subarray(1) })).toThrow(ShapeError);
      } finally {
        prepared.dispose();
      }
    });

    it('handles an empty batch', async () => {
      const problem = problemFor(CONDITIONAL_CASES[2], 102);
      const prepared = kernel.prepare(problem.weights, problem.shape);
      const { y, nodes } = await kernel.run(prepared, new Float32Array(0), 0, { returnNodes: true });
      prepared.dispose();
      expect(y.length).toBe(0);
      expect(nodes!.length).toBe(0);
    });

    describeShapeErrors((weights, shape) => kernel.prepare(weights, shape));

    it('rejects inputs of the wrong size, foreign and disposed prepared weights', () => {
      const problem = problemFor(CONDITIONAL_CASES[2], 102);
      const prepared = kernel.prepare(problem.weights, problem.shape);
      expect(() => kernel.run(prepared, problem.x.subarray(1), problem.batch)).toThrow(
        new ShapeError(`expected x of shape [33, 17] (561 values), got 560 values`),
      );
      expect(() => kernel.run(prepared, problem.x, 1.5)).toThrow(ShapeError);
      const foreign = { shape: problem.shape, dispose() {} };
      expect(() => kernel.run(foreign, problem.x, problem.batch)).toThrow(PreparedKernelError);
      prepared.dispose();
      expect(() => kernel.run(prepared, problem.x, problem.batch)).toThrow(PreparedKernelError);
    });
  });
}

export function describeDenseMatmulConformance(kernel: DenseMatmulKernel | WebGpuDenseMatmulKernel): void {
  describe.skipIf(!kernel.isSupported())(kernelLabel(kernel), () => {
    for (const [index, c] of DENSE_CASES.entries()) {
      it(`matches the float64 oracle, ${denseCaseName(c)}`, async () => {
        const problem = randomDense(CASE_SEEDS.denseMatmul + index, c);
        const prepared = kernel.prepare(problem.weights, problem.shape);
        try {
          const { y } = await kernel.run(prepared, problem.x, problem.batch);
          expectClose(y, referenceDense(problem.shape, problem.weights, problem.x, problem.batch), TOLERANCE, 'y');
        } finally {
          prepared.dispose();
        }
      });
    }

    it('writes into a given output array', async () => {
      const problem = randomDense(210, DENSE_CASES[3]);
      const prepared = kernel.prepare(problem.weights, problem.shape);
      const fresh = await kernel.run(prepared, problem.x, problem.batch);
      const out = new Float32Array(fresh.y.length).fill(NaN);
      expect((await kernel.run(prepared, problem.x, problem.batch, { out })).y).toBe(out);
      prepared.dispose();
      expectIdentical(out, fresh.y, 'y');
    });

    it('throws typed errors for wrong shapes', () => {
      const shape = { inputSize: 768, hiddenSize: 3072, outputSize: 768 };
      const wIn = { values: new Float32Array(3072 * 512), shape: [3072, 512] };
      const wOut = { values: new Float32Array(768 * 3072), shape: [768, 3072] };
      expect(() => kernel.prepare({ wIn, wOut }, shape)).toThrow(new ShapeError('expected dense_in.weight of shape [3072, 768], got [3072, 512]'));
      const good = { values: new Float32Array(3072 * 768), shape: [3072, 768] };
      expect(() => kernel.prepare({ wIn: good, bIn: { values: new Float32Array(3), shape: [3] }, wOut }, shape)).toThrow(/dense_in.bias/);
      const prepared = kernel.prepare({ wIn: good, wOut }, shape);
      expect(() => kernel.run(prepared, new Float32Array(767), 1)).toThrow(ShapeError);
      prepared.dispose();
    });
  });
}

export function describeForwardTrainConformance(kernel: ConditionalForwardTrainKernel | WebGpuConditionalForwardTrainKernel): void {
  describe.skipIf(!kernel.isSupported())(kernelLabel(kernel), () => {
    for (const [index, c] of TRAINING_CASES.entries()) {
      it(`matches the float64 oracle, ${caseName(c)}`, async () => {
        const problem = problemFor(c, CASE_SEEDS.forwardTrain + index);
        const prepared = kernel.prepare(problem.shape);
        try {
          const { y, nodes, logits } = await kernel.run(prepared, { x: problem.x, batch: problem.batch, weights: problem.weights });
          const ref = expectPathsMatch(nodes, problem);
          expectClose(y, ref.y, TOLERANCE, 'y');
          expectClose(logits, ref.logits, TOLERANCE, 'logits');
          // CPU kernels hand the backward the columns they gathered; others may not
          const { saved } = await kernel.run(prepared, { x: problem.x, batch: problem.batch, weights: problem.weights });
          if (saved) {
            const visited = Int32Array.from(new Set(nodes)).sort();
            expectIdentical(saved.neurons, visited, 'saved.neurons');
            const columns = gatherColumns(problem.weights.wOut.values, problem.shape.outputSize, problem.weights.bIn.values.length, visited);
            expectIdentical(saved.wOutColumns, columns, 'saved.wOutColumns');
          }
          // a second step on the same prepared state gives the same bits
          const again = await kernel.run(prepared, { x: problem.x, batch: problem.batch, weights: problem.weights });
          expectIdentical(again.y, y, 'y');
          expectIdentical(again.logits, logits, 'logits');
        } finally {
          prepared.dispose();
        }
      });
    }

    it('sends a logit of exactly 0 left', async () => {
      const problem = zeroLogitProblem();
      const prepared = kernel.prepare(problem.shape);
      const { nodes, logits } = await kernel.run(prepared, { x: problem.x, batch: problem.batch, weights: problem.weights });
      prepared.dispose();
      for (const token of [0, 1, 2, 3]) {
        expect(Array.from(nodes.subarray(token * 8, token * 8 + 4))).toEqual(leftmostPath(0, 3));
        expect(Array.from(logits.subarray(token * 8, token * 8 + 4)).map(Math.abs)).toEqual([0, 0, 0, 0]);
      }
    });

    it('sends NaN left and returns NaN for that token only', async () => {
      const problem = nanProblem();
      const prepared = kernel.prepare(problem.shape);
      try {
        const { y, nodes, logits } = await kernel.run(prepared, { x: problem.x, batch: problem.batch, weights: problem.weights });
        const visits = problem.shape.trees * (problem.shape.depth + 1);
        expect(Array.from(logits.subarray(visits, 2 * visits)).every(Number.isNaN)).toBe(true);
        await expectNanBehaviour(
          problem,
          y,
          nodes,
          async (rows) => await kernel.run(prepared, { x: rowsOf(problem.x, problem.shape.inputSize, rows), batch: rows.length, weights: problem.weights }),
        );
      } finally {
        prepared.dispose();
      }
    });

    describeShapeErrors((weights, shape) => kernel.run(kernel.prepare(shape), { x: new Float32Array(shape.inputSize), batch: 1, weights }));
  });
}

export function describeBackwardConformance(kernel: ConditionalBackwardKernel | WebGpuConditionalBackwardKernel): void {
  describe.skipIf(!kernel.isSupported())(kernelLabel(kernel), () => {
    for (const [index, c] of TRAINING_CASES.entries()) {
      it(`matches the float64 oracle and touches only visited neurons, ${caseName(c)}`, async () => {
        const problem = problemFor(c, CASE_SEEDS.backward + index);
        const { shape, weights, x, batch } = problem;
        const { forward, inputs } = backwardInputs(problem, CASE_SEEDS.backwardUpstream + index);
        const { dy, logits } = inputs;
        const prepared = kernel.prepare(shape);
        try {
          const grads = await kernel.run(prepared, inputs);
          const ref = referenceBackward(shape, weights.wIn.values, weights.wOut.values, x, dy, batch, forward.nodes, logits);
          expectClose(grads.dx, ref.dx, TOLERANCE, 'dx');
          expectClose(grads.dWIn, ref.dWIn, TOLERANCE, 'dWIn');
          expectClose(grads.dbIn, ref.dbIn, TOLERANCE, 'dbIn');
          expectClose(grads.dWOut, ref.dWOut, TOLERANCE, 'dWOut');
          const neurons = weights.bIn.values.length;
          const visited = new Uint8Array(neurons);
          for (const i of forward.nodes) visited[i] = 1;
          const { inputSize: h, outputSize: o } = shape;
          for (let i = 0; i < neurons; i++) {
            if (visited[i]) continue;
            if (grads.dbIn[i] !== 0) expect.fail(`dbIn[${i}] of an unvisited neuron is ${grads.dbIn[i]}`);
            for (let j = 0; j < h; j++) if (grads.dWIn[i * h + j] !== 0) expect.fail(`dWIn[${i}, ${j}] of an unvisited neuron is ${grads.dWIn[i * h + j]}`);
            for (let r = 0; r < o; r++)
              if (grads.dWOut[r * neurons + i] !== 0) expect.fail(`dWOut[${r}, ${i}] of an unvisited neuron is ${grads.dWOut[r * neurons + i]}`);
          }
          const again = await kernel.run(prepared, inputs);
          expectIdentical(again.dx, grads.dx, 'dx');
          expectIdentical(again.dWIn, grads.dWIn, 'dWIn');
          expectIdentical(again.dbIn, grads.dbIn, 'dbIn');
          expectIdentical(again.dWOut, grads.dWOut, 'dWOut');
        } finally {
          prepared.dispose();
        }
      });
    }

    it('adds into given gradient buffers and reports the visited neurons', async () => {
      const problem = problemFor(TRAINING_CASES[2], 402);
      const { shape } = problem;
      const { forward, inputs } = backwardInputs(problem, 502);
      const prepared = kernel.prepare(shape);
      const fresh = await kernel.run(prepared, inputs);
      const into = { dWIn: randomArray(1, fresh.dWIn.length), dbIn: randomArray(2, fresh.dbIn.length), dWOut: randomArray(3, fresh.dWOut.length) };
      const start = { dWIn: into.dWIn.slice(), dbIn: into.dbIn.slice(), dWOut: into.dWOut.slice() };
      const summed = await kernel.run(prepared, { ...inputs, accumulateInto: into });
      prepared.dispose();
      expect(summed.dWIn).toBe(into.dWIn);
      for (const key of ['dWIn', 'dbIn', 'dWOut'] as const) {
        expectClose(
          summed[key],
          start[key].map((v, i) => v + fresh[key][i]),
          1e-6,
          key,
        );
      }
      if (fresh.neurons) expect(Array.from(fresh.neurons)).toEqual([...new Set(forward.nodes)].sort((a, b) => a - b));
      expect(() => kernel.run(kernel.prepare(shape), { ...inputs, accumulateInto: { ...into, dbIn: new Float32Array(3) } })).toThrow(ShapeError);
    });

    it('reuses the columns a forward saved, and rejects columns of other paths', async () => {
      const problem = problemFor(TRAINING_CASES[3], 403);
      const { shape, weights } = problem;
      const { forward, inputs } = backwardInputs(problem, 503);
      const prepared = kernel.prepare(shape);
      const plain = await kernel.run(prepared, inputs);
      const neurons = Int32Array.from(new Set(forward.nodes)).sort();
      const saved = { neurons, wOutColumns: gatherColumns(weights.wOut.values, shape.outputSize, weights.bIn.values.length, neurons) };
      const reused = await kernel.run(prepared, { ...inputs, saved });
      for (const key of ['dx', 'dWIn', 'dbIn', 'dWOut'] as const) expectIdentical(reused[key], plain[key], key);
      const other = { neurons: neurons.subarray(1), wOutColumns: saved.wOutColumns.subarray(shape.outputSize) };
      expect(() => kernel.run(prepared, { ...inputs, saved: other })).toThrow(InvalidPathError);
      expect(() => kernel.run(prepared, { ...inputs, saved: { neurons, wOutColumns: saved.wOutColumns.subarray(1) } })).toThrow(ShapeError);
      prepared.dispose();
    });

    it('rejects visited nodes that are not paths, and wrong shapes', () => {
      const problem = problemFor(TRAINING_CASES[1], 401);
      const { shape, weights } = problem;
      const { forward, inputs } = backwardInputs(problem, 501);
      const { dy, x, logits } = inputs;
      const prepared = kernel.prepare(shape);
      const nodes = forward.nodes.slice();
      nodes[7] = 0;
      expect(() => kernel.run(prepared, { ...inputs, nodes })).toThrow(InvalidPathError);
      nodes[7] = -1;
      expect(() => kernel.run(prepared, { ...inputs, nodes })).toThrow(InvalidPathError);
      expect(() => kernel.run(prepared, { ...inputs, dy: dy.subarray(1) })).toThrow(ShapeError);
      expect(() => kernel.run(prepared, { ...inputs, x: x.subarray(1) })).toThrow(/expected x of shape/);
      expect(() => kernel.run(prepared, { ...inputs, nodes: forward.nodes.subarray(1) })).toThrow(/expected nodes of shape/);
      expect(() => kernel.run(prepared, { ...inputs, logits: logits.subarray(1) })).toThrow(ShapeError);
      expect(() => kernel.run(prepared, { ...inputs, wIn: weights.wOut })).toThrow(/linear_in.weight/);
      expect(() => kernel.run(prepared, { ...inputs, wOut: weights.wIn })).toThrow(/linear_out.weight/);
      prepared.dispose();
      expect(() => kernel.prepare({ ...shape, depth: -2 })).toThrow(TreeShapeError);
    });
  });
}

export function describeKernelConformance(kernel: Kernel | WebGpuKernel): void {
  switch (kernel.kernelName) {
    case 'ConditionalMatmul':
      if (kernel.dtype === 'q8') describeConditionalMatmulQ8Conformance(kernel);
      else describeConditionalMatmulConformance(kernel);
      break;
    case 'DenseMatmul':
      describeDenseMatmulConformance(kernel);
      break;
    case 'ConditionalForwardTrain':
      describeForwardTrainConformance(kernel);
      break;
    case 'ConditionalBackward':
      describeBackwardConformance(kernel);
      break;
  }
}
