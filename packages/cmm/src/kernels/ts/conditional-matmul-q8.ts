import { geluFast } from '@ufbert/tensor';
import { claimPrepared, kernelLabel, PreparedBase } from '../../prepared.js';
import { checkQuantizedWeights, coefficientLevels, quantizeConditional, quantizeToken, roundHalfEven } from '../../quantize.js';
import { nodesPerTree } from '../../tree.js';
import type { ConditionalMatmulKernel, ConditionalShape, QuantizedConditionalWeights } from '../../types.js';
import { checkBatch, outputArray } from '../../validate.js';

const identity = { kernelName: 'ConditionalMatmul', backend: 'ts', level: 'fused', dtype: 'q8' } as const;
const label = kernelLabel(identity);

/** The layer's int8 tables (quantize.ts), owned by this object. */
class TsQ8Prepared extends PreparedBase<ConditionalShape> {
  readonly nodesPerTree: number;

  constructor(
    shape: ConditionalShape,
    readonly tables: QuantizedConditionalWeights,
  ) {
    super(shape, label);
    this.nodesPerTree = nodesPerTree(shape.depth);
  }
}

/**
 * The reference implementation of q8 conditional inference, and its fallback where
 * WebAssembly SIMD is missing. Per token: activations quantized to 7 bits
 * (quantizeToken), then per visit the exact integer dot with the node's int8 row,
 * logit = f32(f32(dot) * f32(xScale * rowScale)) + bias in float32, right when > 0;
 * coefficients c = f32(f32(GELU(logit)) * outScale) quantized per token to i16 levels
 * (coefficientLevels), y = f32(max |c| / levels) * f32(sum of level * outRow), the sum
 * exact in integers. The WASM kernel computes the same bits in both builds.
 */
export const conditionalMatmulTsQ8: ConditionalMatmulKernel = {
  ...identity,
  isSupported: () => true,
  prepare: (weights, shape) => new TsQ8Prepared({ ...shape }, quantizeConditional(weights, shape)),
  prepareQuantized(tables, shape) {
    checkQuantizedWeights(tables, shape);
    const copy = {
      wIn: tables.wIn.slice(),
      wInScale: tables.wInScale.slice(),
      bIn: tables.bIn.slice(),
      wOutT: tables.wOutT.slice(),
      wOutScale: tables.wOutScale.slice(),
    };
    return new TsQ8Prepared({ ...shape }, copy);
  },
  run(prepared, x, batch, options = {}) {
    const p = claimPrepared(prepared, TsQ8Prepared, label);
    const { trees, depth, inputSize: h, outputSize: o } = p.shape;
    checkBatch('x', x, batch, h);
    const n = p.nodesPerTree;
    const levels = depth + 1;
    const visits = trees * levels;
    const y = outputArray(options.out, batch, o, false);
    const nodes = options.returnNodes ? new Int32Array(batch * visits) : undefined;
    const { wIn, wInScale, bIn, wOutT, wOutScale } = p.tables;
    const xq = new Int8Array(h);
    const coef = new Float32Array(visits);
    const rows = new Int32Array(visits);
    const coefLevels = coefficientLevels(visits);
    const acc = new Int32Array(o);
    for (let b = 0; b < batch; b++) {
      const xScale = quantizeToken(x, b * h, h, xq);
      let max = 0;
      for (let t = 0, q = 0; t < trees; t++) {
        let node = 0;
        for (let l = 0; l < levels; l++, q++) {
          const i = t * n + node;
          let dot = 0;
          for (let j = 0, w = i * h; j < h; j++) dot += xq[j] * wIn[w + j];
          const logit = Math.fround(Math.fround(Math.fround(dot) * Math.fround(xScale * wInScale[i])) + bIn[i]);
          coef[q] = Math.fround(geluFast(logit)) * wOutScale[i];
          max = Number.isNaN(coef[q]) || Number.isNaN(max) ? NaN : Math.max(max, Math.abs(coef[q]));
          rows[q] = i * o;
          if (nodes) nodes[b * visits + q] = i;
          node = 2 * node + (logit > 0 ? 2 : 1);
        }
      }
      // i16 coefficient levels, then one exact integer sum per output (assembly/conditional-q8.ts)
      const inv = max > 0 ? Math.fround(coefLevels / max) : 0;
      acc.fill(0);
      for (let q = 0; q < visits; q++) {
        const c = roundHalfEven(Math.fround(coef[q] * inv));
        if (!c) continue;
        const row = rows[q];
        for (let r = 0; r < o; r++) acc[r] += c * wOutT[row + r];
      }
      const scale = Math.fround(max / coefLevels);
      const yOff = b * o;
      for (let r = 0; r < o; r++) y[yOff + r] = scale * Math.fround(acc[r]);
    }
    return { y, nodes };
  },
};
