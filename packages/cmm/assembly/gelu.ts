// GELU from the erf table the host writes at ERF_TABLE (see src/gelu-table.ts):
// rows of eight f64, the Taylor coefficients a0..a6 of erf around x0 = i/16 and a
// pad. The evaluation is the same sequence of float64 operations as geluFast in
// TypeScript, so both give the same bits.

/** Byte address of the table: 97 rows of 64 bytes, inside the low 64 KiB the host never allocates. */
export const ERF_TABLE: usize = 1024;

const INV_SQRT_2: f64 = 0.7071067811865476;
const INV_TWO_SQRT_2: f64 = 0.3535533905932738;

/** GELU(z) = 0.5 z (1 + erf(z / sqrt 2)); NaN stays NaN. */
export function gelu(z: f64): f64 {
  const x = z * INV_SQRT_2;
  const a = Math.abs(x);
  if (!(a < 6.0)) return a >= 6.0 ? (x > 0 ? z : 0.0 * z) : NaN;
  const i = <i32>(a * 16.0 + 0.5);
  const t = a - <f64>i / 16.0;
  const r = ERF_TABLE + (<usize>i << 6);
  const e =
    load<f64>(r) +
    t * (load<f64>(r, 8) + t * (load<f64>(r, 16) + t * (load<f64>(r, 24) + t * (load<f64>(r, 32) + t * (load<f64>(r, 40) + t * load<f64>(r, 48))))));
  return 0.5 * z * (1.0 + (x < 0 ? -e : e));
}

/** dGELU/dz = Phi(z) + z phi(z); NaN stays NaN. */
export function geluDerivative(z: f64): f64 {
  const x = z * INV_SQRT_2;
  const a = Math.abs(x);
  if (!(a < 6.0)) return a >= 6.0 ? (x > 0 ? 1.0 : 0.0) : NaN;
  const i = <i32>(a * 16.0 + 0.5);
  const t = a - <f64>i / 16.0;
  const r = ERF_TABLE + (<usize>i << 6);
  const c1 = load<f64>(r, 8);
  const c2 = load<f64>(r, 16);
  const c3 = load<f64>(r, 24);
  const c4 = load<f64>(r, 32);
  const c5 = load<f64>(r, 40);
  const c6 = load<f64>(r, 48);
  const e = load<f64>(r) + t * (c1 + t * (c2 + t * (c3 + t * (c4 + t * (c5 + t * c6)))));
  const de = c1 + t * (2.0 * c2 + t * (3.0 * c3 + t * (4.0 * c4 + t * (5.0 * c5 + t * 6.0 * c6))));
  return 0.5 * (1.0 + (x < 0 ? -e : e)) + z * de * INV_TWO_SQRT_2;
}
