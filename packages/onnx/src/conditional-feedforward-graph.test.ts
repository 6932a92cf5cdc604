import { describe, expect, it } from 'vitest';
import { nodesPerTree } from '@ufbert/cmm';
import * as ort from 'onnxruntime-node';
import { gelu as geluExact, relativeError } from '@ufbert/tensor';
import onnxProto from 'onnx-proto';
import { GraphBuilder, FLOAT, INT64 } from './graph-builder.js';
import { conditionalFeedforward, defaultDenseLevels, type FFFGraphWeights } from './conditional-feedforward-graph.js';
import { OnnxExportError } from './errors.js';

/** Deterministic values in [-1, 1). */
function values(n: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32 - 0.5) * 2 * scale;
  }
  return out;
}

/** The reference semantics, written plainly: walk each tree, add GELU(logit) * column of every visited node. */
function referenceFFF(x: Float32Array, batch: number, w: FFFGraphWeights): { y: Float32Array; paths: number[][] } {
  const { trees: k, depth: d, inputWidth: h, outputWidth: o } = w;
  const n = nodesPerTree(d);
  const total = k * n;
  const y = new Float32Array(batch * o);
  const paths: number[][] = [];
  for (let b = 0; b < batch; b++) {
    const path: number[] = [];
    for (let t = 0; t < k; t++) {
      let node = 0;
      for (let level = 0; level <= d; level++) {
        const global = t * n + node;
        let logit = w.linearInBias[global];
        for (let i = 0; i < h; i++) logit += x[b * h + i] * w.linearIn[global * h + i];
        const g = geluExact(logit);
        for (let r = 0; r < o; r++) y[b * o + r] += g * w.linearOut[r * total + global];
        path.push(global);
        node = 2 * node + (logit > 0 ? 2 : 1);
      }
    }
    paths.push(path);
  }
  return { y, paths };
}

function weights(trees: number, depth: number, h: number, o: number, seed: number): FFFGraphWeights {
  const total = trees * nodesPerTree(depth);
  return {
    linearIn: values(total * h, seed),
    linearInBias: values(total, seed + 1, 0.3),
    linearOut: values(o * total, seed + 2),
    trees,
    depth,
    inputWidth: h,
    outputWidth: o,
  };
}

function graph(w: FFFGraphWeights, denseLevels: number): Uint8Array {
  const g = new GraphBuilder();
  const x = g.input('x', FLOAT, ['tokens', w.inputWidth]);
  const { y, routes } = conditionalFeedforward(g, x, w, denseLevels, 'ffn', { routes: true });
  g.output(y, 'y', FLOAT, ['tokens', w.outputWidth]);
  g.output(routes!, 'routes', INT64, ['tokens', w.trees, w.depth + 1]);
  return g.build('fff');
}

async function run(
  bytes: Uint8Array,
  x: Float32Array,
  batch: number,
  h: number,
  level: 'all' | 'disabled' = 'all',
): Promise<{ y: Float32Array; routes: number[] }> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, graphOptimizationLevel: level });
  try {
    const out = await session.run({ x: new ort.Tensor('float32', x, [batch, h]) });
    return { y: out.y.data as Float32Array, routes: Array.from(out.routes.data as BigInt64Array, Number) };
  } finally {
    await session.release();
  }
}

describe('conditionalFeedforward (ONNX)', () => {
  const cases = [
    { trees: 1, depth: 0, h: 5, o: 3 },
    { trees: 1, depth: 4, h: 8, o: 6 },
    { trees: 3, depth: 3, h: 7, o: 4 },
    { trees: 2, depth: 6, h: 16, o: 16 },
  ];
  for (const c of cases) {
    const w = weights(c.trees, c.depth, c.h, c.o, 11 * c.depth + c.trees);
    const batch = 37;
    const x = values(batch * c.h, 5 + c.depth);
    const expected = referenceFFF(x, batch, w);
    const levels = Array.from({ length: Math.max(1, c.depth) }, (_, i) => i + 1);
    it.each(levels)(`matches the reference walk for ${c.trees}x${c.depth} with %i dense levels, routes included`, async (denseLevels) => {
      for (const optimization of ['all', 'disabled'] as const) {
        const { y, routes } = await run(graph(w, denseLevels), x, batch, c.h, optimization);
        expect(relativeError(y, expected.y)).toBeLessThan(1e-5);
        expect(routes).toEqual(expected.paths.flat());
      }
    });
  }

  it('visits every level: the paths of a batch reach many distinct leaves', () => {
    const w = weights(1, 6, 16, 16, 3);
    const leaves = new Set(referenceFFF(values(64 * 16, 9), 64, w).paths.map((p) => p[p.length - 1]));
    // A check on the test's own data: with one leaf only, a broken walk could still match.
    expect(leaves.size).toBeGreaterThan(20);
  });

  it('never forms a product over all nodes: dense initializers hold only the top levels', () => {
    const w = weights(2, 6, 16, 16, 4);
    const model = onnxProto.onnx.ModelProto.decode(graph(w, 3));
    const n = nodesPerTree(6);
    const matmulInputs = new Set(model.graph!.node!.filter((node) => node.opType === 'MatMul' || node.opType === 'Gemm').flatMap((node) => node.input ?? []));
    for (const init of model.graph!.initializer!) {
      if (!matmulInputs.has(init.name!)) continue;
      const size = init.dims!.map(Number).reduce((a, b) => a * b, 1);
      expect(size).toBeLessThanOrEqual(2 * nodesPerTree(2) * 16);
    }
    // The full tables are only ever gathered from.
    const full = model.graph!.initializer!.filter((i) => Number(i.dims![0]) === 2 * n).map((i) => i.name);
    expect(full.length).toBeGreaterThan(0);
    for (const node of model.graph!.node!) if (node.input?.some((name) => full.includes(name))) expect(node.opType).toBe('Gather');
  });

  it('defaults to half the tree, at most 6 levels', () => {
    expect([0, 1, 3, 11, 15].map(defaultDenseLevels)).toEqual([1, 1, 2, 6, 6]);
  });

  it('rejects dense levels outside [1, depth] and weights of the wrong size', () => {
    const w = weights(1, 4, 8, 6, 1);
    expect(() => graph(w, 0)).toThrow(OnnxExportError);
    expect(() => graph(w, 5)).toThrow(/fffDenseLevels must be an integer in \[1, 4\] for trees of depth 4, got 5/);
    expect(() => graph({ ...w, linearInBias: new Float32Array(3) }, 2)).toThrow(/expected linear_in.bias of shape \[31\], got 3 values/);
  });
});
