// Float64 oracle of the FFF and dense feedforward, written for clarity, not speed.
import { gelu, geluDerivative } from '@ufbert/tensor';
import { nodesPerTree } from '../tree.js';
import type { ConditionalShape, ConditionalWeights, DenseShape, DenseWeights } from '../types.js';

export interface ReferenceForward {
  /** [B, O] */
  y: Float64Array;
  /** [B, k, d+1] */
  nodes: Int32Array;
  /** [B, k, d+1] */
  logits: Float64Array;
  /** Visits whose float64 logit was too close to 0 for float32 kernels to agree on its sign. */
  ambiguous: number;
  /** Visits where `follow` took the other branch although the sign was clear. */
  mismatches: string[];
}

/**
 * The FFF forward in float64. A float32 kernel may route a logit within its rounding
 * error of 0 either way; where `follow` (the kernel's visited nodes) is given, the
 * oracle takes the kernel's branch at such visits and reports every other disagreement.
 * A logit whose products and bias are all exactly 0 is exactly 0 in any precision and
 * must go left.
 */
export function referenceConditional(
  shape: ConditionalShape,
  weights: ConditionalWeights,
  x: Float32Array,
  batch: number,
  follow?: Int32Array,
): ReferenceForward {
  const { trees, depth, inputSize: h, outputSize: o } = shape;
  const n = nodesPerTree(depth);
  const neurons = trees * n;
  const levels = depth + 1;
  const wIn = weights.wIn.values;
  const bIn = weights.bIn.values;
  const wOut = weights.wOut.values;
  // worst-case relative error of a float32 dot of length h, with margin
  const tolerance = (h + 8) * 2 ** -23;
  const y = new Float64Array(batch * o);
  const nodes = new Int32Array(batch * trees * levels);
  const logits = new Float64Array(batch * trees * levels);
  let ambiguous = 0;
  const mismatches: string[] = [];
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < trees; t++) {
      let node = 0;
      for (let l = 0; l < levels; l++) {
        const i = t * n + node;
        const e = (b * trees + t) * levels + l;
        let sum = bIn[i];
        let magnitude = Math.abs(bIn[i]);
        for (let j = 0; j < h; j++) {
          sum += x[b * h + j] * wIn[i * h + j];
          magnitude += Math.abs(x[b * h + j] * wIn[i * h + j]);
        }
        nodes[e] = i;
        logits[e] = sum;
        const a = gelu(sum);
        for (let r = 0; r < o; r++) y[b * o + r] += a * wOut[r * neurons + i];
        let right = sum > 0;
        if (follow && l < depth) {
          const next = follow[e + 1] - t * n;
          const followRight = next === 2 * node + 2;
          if (magnitude > 0 && Math.abs(sum) <= tolerance * magnitude) {
            ambiguous++;
            right = followRight;
          } else if (followRight !== right) {
            mismatches.push(`token ${b}, tree ${t}, level ${l}: logit ${sum} at neuron ${i} goes ${right ? 'right' : 'left'}, kernel went to ${follow[e + 1]}`);
          }
        }
        node = 2 * node + (right ? 2 : 1);
      }
    }
  }
  return { y, nodes, logits, ambiguous, mismatches };
}

export interface ReferenceGradients {
  dx: Float64Array;
  dWIn: Float64Array;
  dbIn: Float64Array;
  dWOut: Float64Array;
}

/** Gradients of the FFF layer in float64 along the given paths and logits. */
export function referenceBackward(
  shape: ConditionalShape,
  wIn: Float32Array,
  wOut: Float32Array,
  x: Float32Array,
  dy: Float32Array,
  batch: number,
  nodes: Int32Array,
  logits: ArrayLike<number>,
): ReferenceGradients {
  const { trees, depth, inputSize: h, outputSize: o } = shape;
  const neurons = trees * nodesPerTree(depth);
  const visits = trees * (depth + 1);
  const dx = new Float64Array(batch * h);
  const dWIn = new Float64Array(neurons * h);
  const dbIn = new Float64Array(neurons);
  const dWOut = new Float64Array(o * neurons);
  for (let b = 0; b < batch; b++) {
    for (let q = 0; q < visits; q++) {
      const i = nodes[b * visits + q];
      const z = logits[b * visits + q];
      let s = 0;
      for (let r = 0; r < o; r++) s += dy[b * o + r] * wOut[r * neurons + i];
      const g = s * geluDerivative(z);
      const a = gelu(z);
      for (let j = 0; j < h; j++) {
        dx[b * h + j] += g * wIn[i * h + j];
        dWIn[i * h + j] += g * x[b * h + j];
      }
      dbIn[i] += g;
      for (let r = 0; r < o; r++) dWOut[r * neurons + i] += a * dy[b * o + r];
    }
  }
  return { dx, dWIn, dbIn, dWOut };
}

/** y = GELU(x wIn^T + bIn) wOut^T in float64. */
export function referenceDense(shape: DenseShape, weights: DenseWeights, x: Float32Array, batch: number): Float64Array {
  const { inputSize: h, hiddenSize: m, outputSize: o } = shape;
  const wIn = weights.wIn.values;
  const wOut = weights.wOut.values;
  const y = new Float64Array(batch * o);
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < m; i++) {
      let s = weights.bIn ? weights.bIn.values[i] : 0;
      for (let j = 0; j < h; j++) s += x[b * h + j] * wIn[i * h + j];
      const a = gelu(s);
      for (let r = 0; r < o; r++) y[b * o + r] += a * wOut[r * m + i];
    }
  }
  return y;
}
