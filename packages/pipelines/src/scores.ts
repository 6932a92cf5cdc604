import { describeValue } from './describe-value.js';
import { PipelineError } from './errors.js';

/** Returns `values` unchanged, or throws when the model produced NaN or infinity (corrupt weights, never a score). */
export function assertFinite(values: Float32Array): Float32Array {
  for (const v of values)
    if (!Number.isFinite(v)) throw new PipelineError(`the model produced a non-finite output (${v}); its weights or inputs hold NaN or Inf`);
  return values;
}

/** Softmax in float64, returned as float32 (exp of the shifted logits, so large logits do not overflow). */
export function softmax(logits: Float32Array): Float32Array {
  let max = -Infinity;
  for (const v of logits) {
    if (!Number.isFinite(v)) throw new PipelineError(`the model produced a non-finite logit (${v}); its weights or inputs hold NaN or Inf`);
    if (v > max) max = v;
  }
  let sum = 0;
  const out = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i++) sum += out[i] = Math.exp(logits[i] - max);
  return Float32Array.from(out, (v) => v / sum);
}

/** Indices of the k largest values, largest first (ties: lower index first), never one in `excluded`. */
export function topIndices(values: Float32Array, k: number, excluded: ReadonlySet<number> = new Set()): number[] {
  // Insertion keeps the usual small k at O(V k); a large k sorts instead.
  if (k > 64)
    return Array.from(values.keys())
      .filter((i) => !excluded.has(i))
      .sort((a, b) => values[b] - values[a] || a - b)
      .slice(0, k);
  const best: number[] = [];
  for (let i = 0; i < values.length; i++) {
    if (excluded.has(i) || (best.length === k && values[i] <= values[best[k - 1]])) continue;
    let at = best.length === k ? k - 1 : best.length;
    while (at > 0 && values[best[at - 1]] < values[i]) at--;
    best.splice(at, 0, i);
    if (best.length > k) best.pop();
  }
  return best;
}

/** `top_k` as transformers.js takes it: a positive integer, or null (and for classification only) for every entry. */
export function checkTopK(topK: unknown, allowAll: boolean): asserts topK is number | null {
  if (topK === null && allowAll) return;
  if (typeof topK !== 'number' || !Number.isSafeInteger(topK) || topK < 1) {
    const got = typeof topK === 'number' ? String(topK) : describeValue(topK);
    throw new PipelineError(`top_k must be a positive integer${allowAll ? ' or null (all labels)' : ''}, got ${got}`);
  }
}
