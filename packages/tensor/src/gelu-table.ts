import { erf } from './gelu-math.js';

// GELU in the hot loops: erf from a table of degree-6 Taylor expansions around
// x0 = i/16, i = 0..96 (|x| < 6; beyond, erf = +/-1 to 2e-17). With |x - x0| <= 1/32
// the truncation error is below 1e-12 for erf and 2e-10 for its derivative, far
// under float32 rounding, at the cost of one rounding, a table row and a Horner
// chain instead of @ufbert/tensor's series. The rows are built from that erf, and
// the WASM kernels read the very same table, copied into their memory.

export const ERF_TABLE_STEP_INVERSE = 16;
export const ERF_TABLE_ROWS = 97;
/** Float64 values per row: Taylor coefficients a0..a6 and one pad, a 64-byte row. */
export const ERF_TABLE_STRIDE = 8;

const INV_SQRT_2 = Math.SQRT1_2;
const TWO_OVER_SQRT_PI = 1.1283791670955126;
/** phi(z) = erf'(z / sqrt 2) / (2 sqrt 2) */
const INV_TWO_SQRT_2 = 0.3535533905932738;

function buildErfTable(): Float64Array {
  const table = new Float64Array(ERF_TABLE_ROWS * ERF_TABLE_STRIDE);
  for (let i = 0; i < ERF_TABLE_ROWS; i++) {
    const x = i / ERF_TABLE_STEP_INVERSE;
    const x2 = x * x;
    const e = TWO_OVER_SQRT_PI * Math.exp(-x2);
    const row = i * ERF_TABLE_STRIDE;
    // erf^(n)(x) / n! for n = 0..6: derivatives of e^{-x^2} are Hermite polynomials times e^{-x^2}.
    table[row] = erf(x);
    table[row + 1] = e;
    table[row + 2] = -x * e;
    table[row + 3] = ((2 * x2 - 1) / 3) * e;
    table[row + 4] = ((-2 * x2 * x + 3 * x) / 6) * e;
    table[row + 5] = ((4 * x2 * x2 - 12 * x2 + 3) / 30) * e;
    table[row + 6] = ((-4 * x2 * x2 * x + 20 * x2 * x - 15 * x) / 90) * e;
  }
  return table;
}

export const ERF_TABLE: Float64Array = buildErfTable();

/** GELU(z) = 0.5 z (1 + erf(z / sqrt 2)), float64, absolute error below 1e-12 * |z|. NaN stays NaN. */
export function geluFast(z: number): number {
  const x = z * INV_SQRT_2;
  const a = Math.abs(x);
  if (!(a < 6)) return a >= 6 ? (x > 0 ? z : 0 * z) : NaN;
  const i = (a * ERF_TABLE_STEP_INVERSE + 0.5) | 0;
  const t = a - i / ERF_TABLE_STEP_INVERSE;
  const r = i * ERF_TABLE_STRIDE;
  const T = ERF_TABLE;
  const e = T[r] + t * (T[r + 1] + t * (T[r + 2] + t * (T[r + 3] + t * (T[r + 4] + t * (T[r + 5] + t * T[r + 6])))));
  return 0.5 * z * (1 + (x < 0 ? -e : e));
}

/** dGELU/dz = Phi(z) + z phi(z), float64, absolute error below 1e-9. NaN stays NaN. */
export function geluDerivativeFast(z: number): number {
  const x = z * INV_SQRT_2;
  const a = Math.abs(x);
  if (!(a < 6)) return a >= 6 ? (x > 0 ? 1 : 0) : NaN;
  const i = (a * ERF_TABLE_STEP_INVERSE + 0.5) | 0;
  const t = a - i / ERF_TABLE_STEP_INVERSE;
  const r = i * ERF_TABLE_STRIDE;
  const T = ERF_TABLE;
  const e = T[r] + t * (T[r + 1] + t * (T[r + 2] + t * (T[r + 3] + t * (T[r + 4] + t * (T[r + 5] + t * T[r + 6])))));
  const de = T[r + 1] + t * (2 * T[r + 2] + t * (3 * T[r + 3] + t * (4 * T[r + 4] + t * (5 * T[r + 5] + t * 6 * T[r + 6]))));
  return 0.5 * (1 + (x < 0 ? -e : e)) + z * de * INV_TWO_SQRT_2;
}
