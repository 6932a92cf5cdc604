import { geluFast } from '@ufbert/tensor';

/**
 * c[i, j] = epilogue(a[i, :] . b[j, :]) for a [m, depth], b [n, depth], c [m, n]: a blocked
 * matrix-matrix product in the x.W^T form both feedforward products take. Panels of 64
 * rows of b stay in cache while every row of a passes by; a 4x2 register tile reuses
 * each loaded value of a twice and of b four times. The epilogue adds bias[j] and
 * applies GELU when asked.
 */
export function matmulTransposed(
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
  m: number,
  n: number,
  depth: number,
  bias?: Float32Array,
  gelu = false,
): void {
  const panel = 64;
  for (let j0 = 0; j0 < n; j0 += panel) {
    const j1 = Math.min(n, j0 + panel);
    let i = 0;
    for (; i + 4 <= m; i += 4) {
      let j = j0;
      for (; j + 2 <= j1; j += 2) tile4x2(a, b, c, i, j, n, depth, bias, gelu);
      for (; j < j1; j++) for (let r = i; r < i + 4; r++) single(a, b, c, r, j, n, depth, bias, gelu);
    }
    for (; i < m; i++) for (let j = j0; j < j1; j++) single(a, b, c, i, j, n, depth, bias, gelu);
  }
}

function epilogue(s: number, j: number, bias: Float32Array | undefined, gelu: boolean): number {
  if (bias) s = Math.fround(s + bias[j]);
  return gelu ? geluFast(Math.fround(s)) : s;
}

function single(
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
  i: number,
  j: number,
  n: number,
  depth: number,
  bias: Float32Array | undefined,
  gelu: boolean,
): void {
  const ai = i * depth;
  const bj = j * depth;
  let s = 0;
  for (let k = 0; k < depth; k++) s += a[ai + k] * b[bj + k];
  c[i * n + j] = epilogue(s, j, bias, gelu);
}

function tile4x2(
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
  i: number,
  j: number,
  n: number,
  depth: number,
  bias: Float32Array | undefined,
  gelu: boolean,
): void {
  const a0 = i * depth;
  const a1 = a0 + depth;
  const a2 = a1 + depth;
  const a3 = a2 + depth;
  const b0 = j * depth;
  const b1 = b0 + depth;
  let c00 = 0,
    c01 = 0,
    c10 = 0,
    c11 = 0,
    c20 = 0,
    c21 = 0,
    c30 = 0,
    c31 = 0;
  for (let k = 0; k < depth; k++) {
    const x0 = b[b0 + k];
    const x1 = b[b1 + k];
    const v0 = a[a0 + k];
    const v1 = a[a1 + k];
    const v2 = a[a2 + k];
    const v3 = a[a3 + k];
    c00 += v0 * x0;
    c01 += v0 * x1;
    c10 += v1 * x0;
    c11 += v1 * x1;
    c20 += v2 * x0;
    c21 += v2 * x1;
    c30 += v3 * x0;
    c31 += v3 * x1;
  }
  const r0 = i * n + j;
  c[r0] = epilogue(c00, j, bias, gelu);
  c[r0 + 1] = epilogue(c01, j + 1, bias, gelu);
  c[r0 + n] = epilogue(c10, j, bias, gelu);
  c[r0 + n + 1] = epilogue(c11, j + 1, bias, gelu);
  c[r0 + 2 * n] = epilogue(c20, j, bias, gelu);
  c[r0 + 2 * n + 1] = epilogue(c21, j + 1, bias, gelu);
  c[r0 + 3 * n] = epilogue(c30, j, bias, gelu);
  c[r0 + 3 * n + 1] = epilogue(c31, j + 1, bias, gelu);
}
