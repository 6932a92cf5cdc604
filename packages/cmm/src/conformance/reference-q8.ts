// Float64 oracles of q8 conditional inference, written for clarity, not speed. Two of them:
//
// 1. referenceConditionalQ8: the q8 semantics exactly, in float64 on the int8 tables (each
//    row's scale times its int8 values) and on activations quantized per token as a q8
//    kernel must (7 bits: q = nearest(x * f32(63 / max|x|)), ties to even; scale
//    f32(max|x| / 63)). The output coefficients c = GELU(logit) * outScale are used as they
//    are; a kernel rounds them to i16 levels (coefficientLevels: L levels, scale max|c| / L),
//    which moves y_r by at most sum over visits of (max|c| / 2L) |int8 row_r|: `yError`. A
//    kernel differs from this oracle by that and float32 rounding, so it is held to
//    TOLERANCE plus yError, and to the same routes except at near-ties of the rounding.
//
// 2. compareWithFloat: the kernel against the float64 oracle of the ORIGINAL float weights,
//    with a bound derived from the quantization itself. Per visited node i, with ws the row
//    scale, xs the token's scale, x~ and w~ the dequantized values: |x - x~| <= xs / 2 and
//    |w - w~| <= ws / 2 elementwise (round to nearest), so
//        |x . w - x~ . w~| <= |x| . |w - w~| + |x - x~| . |w~| <= (ws sum|x| + xs sum|w~|) / 2 = D_i.
//    A route must follow the float route wherever |float logit| > D_i; within D_i it may
//    take either branch, and the token's later levels in that tree are then not compared.
//    Where a token's routes all agree, with G = max GELU' < 1.13 and os the output row's scale,
//        |y_r - y~_r| <= sum over visits of G D_i |w~out_ir| + |GELU(logit_i)| os_i / 2 + cmax / 2L |int8 row_ir|,
//    the last term the coefficients' i16 levels, cmax bounding max|c| of the kernel.
//    A wrong scale (an input row's, a token's, an output row's) or a wrong routing rule
//    breaks one of these bounds.
import { gelu } from '@ufbert/tensor';
import { coefficientLevels } from '../quantize.js';
import { nodesPerTree } from '../tree.js';
import type { ConditionalShape, ConditionalWeights, QuantizedConditionalWeights } from '../types.js';
import type { ReferenceForward } from './reference.js';

const LEVELS = 63;
/** max over z of d GELU / dz (about 1.1289, at z = sqrt 2), rounded up. */
const GELU_LIPSCHITZ = 1.13;
/** Room for the float32 arithmetic of a kernel, relative to the magnitude of what it sums. */
const F32_SLACK = 2 ** -20;

function nearestEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v - Math.trunc(v)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** A token's 7-bit activations and their scale, as every q8 kernel must compute them; NaN scale where the row holds NaN. */
export function referenceQuantizeToken(x: Float32Array, off: number, h: number): { q: Int32Array; scale: number } {
  const q = new Int32Array(h);
  let max = 0;
  for (let j = 0; j < h; j++) max = Number.isNaN(x[off + j]) || Number.isNaN(max) ? NaN : Math.max(max, Math.abs(x[off + j]));
  if (Number.isNaN(max)) return { q, scale: NaN };
  const inv = max > 0 ? Math.fround(LEVELS / max) : 0;
  for (let j = 0; j < h; j++) {
    const v = nearestEven(Math.fround(x[off + j] * inv));
    q[j] = Number.isFinite(v) ? v : 0;
  }
  return { q, scale: Math.fround(max / LEVELS) };
}

export interface ReferenceForwardQ8 extends ReferenceForward {
  /** [B, O]: how far a kernel's y may be from `y` through its coefficients' i16 levels. */
  yError: Float64Array;
}

/**
 * The q8 forward in float64 on `tables` (see above). Where `follow` (the kernel's nodes) is
 * given, visits whose logit is within float32 rounding of 0 take the kernel's branch and
 * count as ambiguous; every other disagreement is reported.
 */
export function referenceConditionalQ8(
  shape: ConditionalShape,
  tables: QuantizedConditionalWeights,
  x: Float32Array,
  batch: number,
  follow?: Int32Array,
): ReferenceForwardQ8 {
  const { trees, depth, inputSize: h, outputSize: o } = shape;
  const n = nodesPerTree(depth);
  const levels = depth + 1;
  const coefLevels = coefficientLevels(trees * levels);
  const y = new Float64Array(batch * o);
  const yError = new Float64Array(batch * o);
  const rowMagnitude = new Float64Array(o);
  const nodes = new Int32Array(batch * trees * levels);
  const logits = new Float64Array(batch * trees * levels);
  let ambiguous = 0;
  const mismatches: string[] = [];
  for (let b = 0; b < batch; b++) {
    const { q, scale } = referenceQuantizeToken(x, b * h, h);
    let maxCoef = 0;
    rowMagnitude.fill(0);
    for (let t = 0; t < trees; t++) {
      let node = 0;
      for (let l = 0; l < levels; l++) {
        const i = t * n + node;
        const e = (b * trees + t) * levels + l;
        let dot = 0;
        for (let j = 0; j < h; j++) dot += q[j] * tables.wIn[i * h + j];
        const product = scale * tables.wInScale[i] * dot;
        const logit = product + tables.bIn[i];
        nodes[e] = i;
        logits[e] = logit;
        const a = gelu(logit) * tables.wOutScale[i];
        maxCoef = Math.max(maxCoef, Math.abs(a));
        for (let r = 0; r < o; r++) {
          y[b * o + r] += a * tables.wOutT[i * o + r];
          rowMagnitude[r] += Math.abs(tables.wOutT[i * o + r]);
        }
        let right = logit > 0;
        if (follow && l < depth) {
          const followRight = follow[e + 1] - t * n === 2 * node + 2;
          if (Math.abs(logit) <= 4 * 2 ** -24 * (Math.abs(product) + Math.abs(tables.bIn[i])) && logit !== 0) {
            ambiguous++;
            right = followRight;
          } else if (followRight !== right) {
            mismatches.push(
              `token ${b}, tree ${t}, level ${l}: q8 logit ${logit} at neuron ${i} goes ${right ? 'right' : 'left'}, kernel went to ${follow[e + 1]}`,
            );
          }
        }
        node = 2 * node + (right ? 2 : 1);
      }
    }
    // levels of the kernel's float32 coefficients: max|c| within float32 rounding of this one
    for (let r = 0; r < o; r++) yError[b * o + r] = ((maxCoef * (1 + 1e-6)) / (2 * coefLevels)) * rowMagnitude[r];
  }
  return { y, nodes, logits, ambiguous, mismatches, yError };
}

export interface FloatComparison {
  /** Visits where the kernel left the float route although |float logit| exceeded its bound. */
  routeMismatches: string[];
  /** Tokens whose route left the float one at a near-tie (allowed; their y is not compared). */
  divergedTokens: number;
  /** Outputs of fully agreeing tokens that exceed their bound. */
  yViolations: string[];
  /** Tokens whose y was compared. */
  comparedTokens: number;
  /** The largest |y - y_float| / bound over compared outputs (< 1 when all hold). */
  worstRatio: number;
}

/** The kernel's nodes and y against the float64 oracle of the original weights, with the bounds derived above. */
export function compareWithFloat(
  shape: ConditionalShape,
  weights: ConditionalWeights,
  tables: QuantizedConditionalWeights,
  x: Float32Array,
  batch: number,
  kernelNodes: Int32Array,
  kernelY: Float32Array,
): FloatComparison {
  const { trees, depth, inputSize: h, outputSize: o } = shape;
  const n = nodesPerTree(depth);
  const neurons = trees * n;
  const levels = depth + 1;
  const wIn = weights.wIn.values;
  const bIn = weights.bIn.values;
  const wOut = weights.wOut.values;
  const result: FloatComparison = { routeMismatches: [], divergedTokens: 0, yViolations: [], comparedTokens: 0, worstRatio: 0 };
  for (let b = 0; b < batch; b++) {
    const xs = referenceQuantizeToken(x, b * h, h).scale;
    let absX = 0;
    for (let j = 0; j < h; j++) absX += Math.abs(x[b * h + j]);
    let agrees = true;
    const yFloat = new Float64Array(o);
    const bound = new Float64Array(o);
    const rowMagnitude = new Float64Array(o);
    let maxCoef = 0;
    for (let t = 0; t < trees && agrees; t++) {
      let node = 0;
      for (let l = 0; l < levels; l++) {
        const i = t * n + node;
        const e = (b * trees + t) * levels + l;
        if (kernelNodes[e] !== i) throw new Error(`compareWithFloat: token ${b} tree ${t} level ${l} is at ${kernelNodes[e]}, expected ${i}`);
        let logit = bIn[i];
        let magnitude = Math.abs(bIn[i]);
        let absW = 0;
        for (let j = 0; j < h; j++) {
          logit += x[b * h + j] * wIn[i * h + j];
          magnitude += Math.abs(x[b * h + j] * wIn[i * h + j]);
          absW += Math.abs(tables.wInScale[i] * tables.wIn[i * h + j]);
        }
        const d = 0.5 * (tables.wInScale[i] * absX + xs * absW) * (1 + 1e-4) + F32_SLACK * magnitude;
        const a = gelu(logit);
        maxCoef = Math.max(maxCoef, (Math.abs(a) + GELU_LIPSCHITZ * d) * tables.wOutScale[i]);
        for (let r = 0; r < o; r++) {
          const wq = tables.wOutScale[i] * tables.wOutT[i * o + r];
          yFloat[r] += a * wOut[r * neurons + i];
          bound[r] += GELU_LIPSCHITZ * d * Math.abs(wq) + (Math.abs(a) * tables.wOutScale[i]) / 2 + F32_SLACK * Math.abs(a * wq);
          rowMagnitude[r] += Math.abs(tables.wOutT[i * o + r]);
        }
        if (l === depth) break;
        const right = logit > 0;
        const kernelRight = kernelNodes[e + 1] - t * n === 2 * node + 2;
        if (kernelRight !== right) {
          if (Math.abs(logit) > d) {
            result.routeMismatches.push(
              `token ${b}, tree ${t}, level ${l}: float logit ${logit} at neuron ${i} (bound ${d.toExponential(3)}) goes ${right ? 'right' : 'left'}, kernel went to ${kernelNodes[e + 1]}`,
            );
          }
          agrees = false;
          break;
        }
        node = 2 * node + (right ? 2 : 1);
      }
    }
    if (!agrees) {
      result.divergedTokens++;
      continue;
    }
    result.comparedTokens++;
    const coefLevels = coefficientLevels(trees * levels);
    for (let r = 0; r < o; r++) {
      const diff = Math.abs(kernelY[b * o + r] - yFloat[r]);
      const limit = (bound[r] + (maxCoef / (2 * coefLevels)) * rowMagnitude[r]) * (1 + 1e-5) + 1e-30;
      result.worstRatio = Math.max(result.worstRatio, diff / limit);
      if (!(diff <= limit))
        result.yViolations.push(
          `token ${b}, y[${r}]: got ${kernelY[b * o + r]}, float ${yFloat[r]}, |diff| ${diff.toExponential(3)} > bound ${limit.toExponential(3)}`,
        );
    }
  }
  return result;
}
