// Scalar building blocks of the TypeScript kernels. JS arithmetic is float64, so
// sums are accumulated in double precision and rounded once when stored.

/** a[aOff .. aOff+len) . b[bOff .. bOff+len), one accumulator: the level-1 dot. */
export function dot(a: Float32Array, aOff: number, b: Float32Array, bOff: number, len: number): number {
  let s = 0;
  for (let i = 0; i < len; i++) s += a[aOff + i] * b[bOff + i];
  return s;
}

/** The same dot with four accumulators, so additions do not wait on each other. */
export function dot4(a: Float32Array, aOff: number, b: Float32Array, bOff: number, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    s0 += a[aOff + i] * b[bOff + i];
    s1 += a[aOff + i + 1] * b[bOff + i + 1];
    s2 += a[aOff + i + 2] * b[bOff + i + 2];
    s3 += a[aOff + i + 3] * b[bOff + i + 3];
  }
  for (; i < len; i++) s0 += a[aOff + i] * b[bOff + i];
  return s0 + s1 + (s2 + s3);
}

/** y[yOff ..] += alpha * x[xOff ..], len elements. */
export function axpy(alpha: number, x: Float32Array, xOff: number, y: Float32Array, yOff: number, len: number): void {
  for (let i = 0; i < len; i++) y[yOff + i] += alpha * x[xOff + i];
}

/**
 * out[outOff + j] = sum over q < count of coef[q] * rows[rowOff[q] + j], j < len: a sum of scaled
 * rows kept in four registers per pass instead of being re-read and re-written once per row.
 * With `accumulate`, the sum is added to out instead.
 */
export function sumScaledRows(
  coef: Float64Array,
  rows: Float32Array,
  rowOff: Int32Array,
  count: number,
  out: Float32Array,
  outOff: number,
  len: number,
  accumulate = false,
): void {
  let j = 0;
  for (; j + 4 <= len; j += 4) {
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    for (let q = 0; q < count; q++) {
      const g = coef[q];
      const r = rowOff[q] + j;
      a0 += g * rows[r];
      a1 += g * rows[r + 1];
      a2 += g * rows[r + 2];
      a3 += g * rows[r + 3];
    }
    if (accumulate) {
      out[outOff + j] += a0;
      out[outOff + j + 1] += a1;
      out[outOff + j + 2] += a2;
      out[outOff + j + 3] += a3;
    } else {
      out[outOff + j] = a0;
      out[outOff + j + 1] = a1;
      out[outOff + j + 2] = a2;
      out[outOff + j + 3] = a3;
    }
  }
  for (; j < len; j++) {
    let a = 0;
    for (let q = 0; q < count; q++) a += coef[q] * rows[rowOff[q] + j];
    out[outOff + j] = accumulate ? out[outOff + j] + a : a;
  }
}
