// Int8 (q8) weights of an FFF layer: symmetric, one scale per row, scale = max |row| / 127,
// q = round(w / scale) in [-127, 127]. Rows of linear_in are node rows already; linear_out
// is transposed first, so that its rows are nodes too and a visited node reads one int8 row.
import { ShapeError, formatShape } from '@ufbert/tensor';
import { QuantizationError } from './errors.js';
import { transpose } from './layout.js';
import type { ConditionalShape, ConditionalWeights, QuantizedConditionalWeights } from './types.js';
import { checkConditionalShape, checkConditionalWeights } from './validate.js';

/** The largest magnitude of an int8 weight: symmetric, so -128 is never used. */
export const Q8_MAX = 127;

/**
 * Quantizes `rows` rows of `cols` values: q [rows, cols] int8 and one scale per row. A row of
 * zeros gets scale 0. A NaN or infinite value is a QuantizationError naming `name` and its
 * [row, col] in the layout given (`transposed`: the caller's tensor is [cols, rows]).
 */
export function quantizeRows(values: Float32Array, rows: number, cols: number, name: string, transposed = false): { q: Int8Array; scale: Float32Array } {
  const q = new Int8Array(rows * cols);
  const scale = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const off = r * cols;
    let max = 0;
    for (let j = 0; j < cols; j++) {
      const v = values[off + j];
      if (!Number.isFinite(v)) {
        const where = transposed ? `[${j}, ${r}]` : `[${r}, ${j}]`;
        throw new QuantizationError(`cannot quantize ${name}: value ${v} at ${where}; expected finite weights`);
      }
      max = Math.max(max, Math.abs(v));
    }
    if (max === 0) continue;
    const s = Math.fround(max / Q8_MAX);
    scale[r] = s;
    for (let j = 0; j < cols; j++) q[off + j] = Math.max(-Q8_MAX, Math.min(Q8_MAX, Math.round(values[off + j] / s)));
  }
  return { q, scale };
}

/** The q8 tables of an FFF layer's float weights (reference layout), checked against `shape`. */
export function quantizeConditional(weights: ConditionalWeights, shape: ConditionalShape): QuantizedConditionalWeights {
  const neurons = checkConditionalWeights(weights, shape);
  const { inputSize: h, outputSize: o } = shape;
  const bIn = weights.bIn.values;
  for (let i = 0; i < neurons; i++) {
    if (!Number.isFinite(bIn[i])) throw new QuantizationError(`cannot use linear_in.bias: value ${bIn[i]} at [${i}]; expected finite weights`);
  }
  const wIn = quantizeRows(weights.wIn.values, neurons, h, 'linear_in.weight');
  const wOut = quantizeRows(transpose(weights.wOut.values, o, neurons), neurons, o, 'linear_out.weight', true);
  return { wIn: wIn.q, wInScale: wIn.scale, bIn: bIn.slice(), wOutT: wOut.q, wOutScale: wOut.scale };
}

/**
 * Levels of a token's quantized activations: q = nearest(x * (63 / max |x|)) in [-63, 63], the
 * scale max |x| / 63, both in float32 as written here (nearest: ties to even). Seven bits, so
 * that relaxed SIMD's i32x4.relaxed_dot_i8x16_i7x16_add_s, whose second operand must have its
 * top bit clear, takes q + 64; every q8 kernel uses the same levels, so all of them compute
 * the same integer dots and route every token alike.
 */
export const ACTIVATION_LEVELS = 63;

/** Round half to even, as f32x4.nearest; NaN gives 0, as the kernels' saturating conversion. */
export function roundHalfEven(v: number): number {
  if (Number.isNaN(v)) return 0;
  const f = Math.floor(v);
  const d = v - f;
  if (d !== 0.5) return d < 0.5 ? f : f + 1;
  return f % 2 === 0 ? f : f + 1;
}

/**
 * Quantizes x[off .. off + h) into q as described at ACTIVATION_LEVELS and returns the scale.
 * A NaN in the row makes the scale NaN (and q 0), so that token's logits and output are NaN.
 */
export function quantizeToken(x: Float32Array, off: number, h: number, q: Int8Array): number {
  let max = 0;
  for (let j = 0; j < h; j++) {
    const a = Math.abs(x[off + j]);
    if (!(a <= max)) max = Number.isNaN(a) ? NaN : a;
    if (Number.isNaN(max)) break;
  }
  const inv = max > 0 ? Math.fround(ACTIVATION_LEVELS / max) : 0;
  for (let j = 0; j < h; j++) {
    q[j] = roundHalfEven(Math.fround(x[off + j] * inv));
  }
  return Math.fround(max / ACTIVATION_LEVELS);
}

/**
 * Levels of a token's output coefficients c = f32(GELU(logit)) * outScale (one per visit):
 * level = nearest(c * f32(L / max |c|)) in [-L, L], scale f32(max |c| / L), so that
 * y = scale * f32(sum of level * int8 row) is one exact integer sum per output (two rows per
 * i32x4.dot_i16x8_s in WASM). L is the largest value <= 32767 for which `visits` products
 * of at most 127 L cannot overflow an i32: a relative error of at most 1 / (2 L) per
 * coefficient, far under the int8 rows' own.
 */
export function coefficientLevels(visits: number): number {
  return Math.min(32767, Math.floor(2147483647 / (127 * Math.max(visits, 1))));
}

/** Checks int8 tables against `shape` (sizes, finite scales and biases); returns N. */
export function checkQuantizedWeights(tables: QuantizedConditionalWeights, shape: ConditionalShape): number {
  const n = checkConditionalShape(shape);
  const { inputSize: h, outputSize: o } = shape;
  const sizes: Array<[string, ArrayLike<number>, number[]]> = [
    ['wIn', tables.wIn, [n, h]],
    ['wInScale', tables.wInScale, [n]],
    ['bIn', tables.bIn, [n]],
    ['wOutT', tables.wOutT, [n, o]],
    ['wOutScale', tables.wOutScale, [n]],
  ];
  for (const [name, values, dims] of sizes) {
    const size = dims.reduce((a, b) => a * b, 1);
    if (values.length !== size) throw new ShapeError(`expected q8 ${name} of shape ${formatShape(dims)} (${size} values), got ${values.length} values`);
  }
  for (const [name, values] of [
    ['wInScale', tables.wInScale],
    ['bIn', tables.bIn],
    ['wOutScale', tables.wOutScale],
  ] as const) {
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new QuantizationError(`q8 ${name}[${bad}] is ${values[bad]}; expected finite values`);
  }
  return n;
}
