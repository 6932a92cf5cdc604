import { TILE, at, partitionByChild } from './conditional';
import { gelu } from './gelu';

// Fused conditional inference on int8 (q8) weights: the walk of conditional.ts (tiles of
// tokens, one tree level at a time, the tile kept ordered by node so tokens at the same
// node share each load of its row) on int8 rows of wIn and wOut^T with one f32 scale per
// row. Each tile's activations are first quantized per token to 7 bits:
// q = nearest(x * (63 / max|x|)), scale max|x| / 63. Seven, not eight: relaxed SIMD's
// i32x4.relaxed_dot_i8x16_i7x16_add_s is defined only where its second operand's lanes
// have the top bit clear, so the relaxed-dot walk stores q + 64 (in 1..127, as u8) and
// subtracts 64 * (sum of the row) once per dot. The portable walk stores q as i16 and
// uses i32x4.dot_i16x8_s. Integer sums are exact in any order, so both walks and the
// TypeScript kernel (conditional-matmul-q8.ts) get the same integer dot, the same logit
// bits and so the same route for every token, whatever the batch.
//
// logit = f32(dot) * (xScale * rowScale) + bias, in f32; right when > 0 (0 and NaN go
// left). Output: each token's coefficients c = f32(GELU(logit)) * outScale go on i16 levels
// and y = f32(max|c| / levels) * f32(exact integer sum of level * wOutT row).
//
// The walks are generic over X, the type of a stored activation: u8 for the relaxed dot,
// i16 for the portable one. The relaxed build has both: the host picks the portable walk
// where the engine's relaxed dot is wrong (relaxedDotProbe).

const LEVELS: f32 = 63;

/** Whether activations of type X are the relaxed dot's u8 (q + 64); only in the relaxed build. */
@inline
function relaxedDot<X>(): bool {
  return ASC_FEATURE_RELAXED_SIMD && sizeof<X>() == 1;
}

/** Scratch bytes one thread needs: the walk's per-token and per-visit arrays, then the tile's quantized activations (16-byte aligned, room for i16). */
export function conditionalQ8ScratchBytes(trees: i32, depth: i32, hb: i32): i32 {
  const words = 5 * TILE + 2 * (trees * (depth + 1) + 1) + 4;
  return ((((words << 2) + 15) >> 4) << 4) + TILE * (hb << 1);
}

/**
 * Runs i32x4.relaxed_dot_i8x16_i7x16_add_s on the vectors at p, p + 16 and p + 32 and stores the
 * result at p + 48, for the host to check against the spec: V8 11.3's baseline compiler
 * (Node 20 with --experimental-wasm-relaxed-simd) returns twice the right sums, its optimising
 * compiler the right ones. The SIMD build stores zeros.
 */
export function relaxedDotProbe(p: usize): void {
  if (ASC_FEATURE_RELAXED_SIMD) v128.store(p, i32x4.relaxed_dot_i8x16_i7x16_add_s(v128.load(p), v128.load(p, 16), v128.load(p, 32)), 48);
  else v128.store(p, i32x4.splat(0), 48);
}

/**
 * Quantizes `count` token rows of x (f32, hb per row, hb a multiple of 16) to xq (hb values of
 * X per row) and their scales to xs. A token without a non-zero value gets scale 0 and
 * q = 0; NaN in a row makes its scale NaN (f32.max propagates it).
 */
function quantizeTile<X>(x: usize, hb: i32, count: i32, xq: usize, xs: usize): void {
  const xRow = <usize>hb << 2;
  const qRow = <usize>hb * sizeof<X>();
  for (let s = 0; s < count; s++) {
    const xr = x + <usize>s * xRow;
    let m = f32x4.splat(0);
    for (let o: usize = 0; o < xRow; o += 16) m = f32x4.max(m, f32x4.abs(v128.load(xr + o)));
    const mx = max(max(f32x4.extract_lane(m, 0), f32x4.extract_lane(m, 1)), max(f32x4.extract_lane(m, 2), f32x4.extract_lane(m, 3)));
    store<f32>(at(xs, s), mx / LEVELS);
    const inv = f32x4.splat(mx > 0 ? LEVELS / mx : 0);
    const qr = xq + <usize>s * qRow;
    for (let j: usize = 0; j < <usize>hb; j += 16) {
      const p = xr + (j << 2);
      const a = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.mul(v128.load(p), inv)));
      const b = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.mul(v128.load(p, 16), inv)));
      const c = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.mul(v128.load(p, 32), inv)));
      const d = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.mul(v128.load(p, 48), inv)));
      const lo = i16x8.narrow_i32x4_s(a, b);
      const hi = i16x8.narrow_i32x4_s(c, d);
      if (relaxedDot<X>()) {
        const bias = i16x8.splat(64);
        v128.store(qr + j, i8x16.narrow_i16x8_u(i16x8.add(lo, bias), i16x8.add(hi, bias)));
      } else {
        v128.store(qr + (j << 1), lo);
        v128.store(qr + (j << 1), hi, 16);
      }
    }
  }
}

/** acc + the products of 16 int8 weights wv with the 16 activations at byte offset o of the row at xq. */
@inline
function step<X>(wv: v128, xq: usize, o: usize, acc: v128): v128 {
  if (relaxedDot<X>()) return i32x4.relaxed_dot_i8x16_i7x16_add_s(wv, v128.load(xq + o), acc);
  const x = xq + (o << 1);
  const lo = i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(wv), v128.load(x));
  return i32x4.add(acc, i32x4.add(lo, i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(wv), v128.load(x, 16))));
}

@inline
function hsum(v: v128): i32 {
  return i32x4.extract_lane(v, 0) + i32x4.extract_lane(v, 1) + i32x4.extract_lane(v, 2) + i32x4.extract_lane(v, 3);
}

/** One token's row against one weight row, hb bytes; two accumulators so adds do not wait on each other. */
function dot<X>(xq: usize, w: usize, hb: i32): i32 {
  let a0 = i32x4.splat(0);
  let a1 = i32x4.splat(0);
  const n32 = <usize>(hb & ~31);
  let o: usize = 0;
  for (; o < n32; o += 32) {
    a0 = step<X>(v128.load(w + o), xq, o, a0);
    a1 = step<X>(v128.load(w + o, 16), xq, o + 16, a1);
  }
  if (hb & 16) a0 = step<X>(v128.load(w + o), xq, o, a0);
  return hsum(i32x4.add(a0, a1));
}

/** Two tokens at two different rows in one loop: two independent streams of loads. Results at out, out + 4. */
function dotPair<X>(x0: usize, w0: usize, x1: usize, w1: usize, hb: i32, out: usize): void {
  let a = i32x4.splat(0);
  let b = i32x4.splat(0);
  for (let o: usize = 0; o < <usize>hb; o += 16) {
    a = step<X>(v128.load(w0 + o), x0, o, a);
    b = step<X>(v128.load(w1 + o), x1, o, b);
  }
  store<i32>(out, hsum(a));
  store<i32>(out, hsum(b), 4);
}

/** Two tokens at the same row, each weight vector loaded once. Results at out, out + 4. */
function dotShared2<X>(x0: usize, x1: usize, w: usize, hb: i32, out: usize): void {
  let a = i32x4.splat(0);
  let b = i32x4.splat(0);
  for (let o: usize = 0; o < <usize>hb; o += 16) {
    const wv = v128.load(w + o);
    a = step<X>(wv, x0, o, a);
    b = step<X>(wv, x1, o, b);
  }
  store<i32>(out, hsum(a));
  store<i32>(out, hsum(b), 4);
}

/** Four tokens at the same row, each weight vector loaded once. Results at out .. out + 12. */
function dotShared4<X>(x0: usize, x1: usize, x2: usize, x3: usize, w: usize, hb: i32, out: usize): void {
  let a = i32x4.splat(0);
  let b = i32x4.splat(0);
  let c = i32x4.splat(0);
  let d = i32x4.splat(0);
  for (let o: usize = 0; o < <usize>hb; o += 16) {
    const wv = v128.load(w + o);
    a = step<X>(wv, x0, o, a);
    b = step<X>(wv, x1, o, b);
    c = step<X>(wv, x2, o, c);
    d = step<X>(wv, x3, o, d);
  }
  store<i32>(out, hsum(a));
  store<i32>(out, hsum(b), 4);
  store<i32>(out, hsum(c), 8);
  store<i32>(out, hsum(d), 12);
}

/** Row pairs per pass of sumScaledRowsQ8, as ROW_CHUNK in simd.ts: more streams at once defeat the prefetchers. */
const PAIR_CHUNK: i32 = 8;

/**
 * The largest coefficient level L <= 32767 for which `visits` rows of int8 (|w| <= 127) times
 * coefficients in [-L, L] cannot overflow an i32 sum.
 */
export function coefficientLevels(visits: i32): i32 {
  return min(32767, <i32>(<u32>2147483647 / <u32>(127 * max(visits, 1))));
}

/**
 * out[0 .. ob) as i32: sum over q < count of c[q] * row[q][0 .. ob), exact, for int8 rows of ob
 * bytes (a multiple of 16) at the byte addresses rows[] and i16 coefficients c, stored as one
 * i32 (c[2p] | c[2p + 1] << 16) per pair of rows (count rounded up to even, the pad's c = 0).
 * Two rows' bytes are interleaved and widened to i16, so one i32x4.dot_i16x8_s adds both
 * rows' products for four outputs.
 */
function sumScaledRowsQ8(pairs: usize, rows: usize, count: i32, ob: i32, out: usize): void {
  const npairs = (count + 1) >> 1;
  for (let p0 = 0; p0 < npairs; p0 += PAIR_CHUNK) {
    const n = min(PAIR_CHUNK, npairs - p0);
    sumScaledRowsQ8Pass(pairs + (<usize>p0 << 2), rows + (<usize>p0 << 3), n, ob, out, p0 > 0);
  }
}

@inline
function sumScaledRowsQ8Pass(pairs: usize, rows: usize, npairs: i32, ob: i32, out: usize, accumulate: bool): void {
  const pairsEnd = pairs + (<usize>npairs << 2);
  for (let o: usize = 0; o < <usize>ob; o += 16) {
    const y = out + (o << 2);
    let a0 = i32x4.splat(0);
    let a1 = i32x4.splat(0);
    let a2 = i32x4.splat(0);
    let a3 = i32x4.splat(0);
    if (accumulate) {
      a0 = v128.load(y);
      a1 = v128.load(y, 16);
      a2 = v128.load(y, 32);
      a3 = v128.load(y, 48);
    }
    let r = rows;
    for (let c = pairs; c < pairsEnd; c += 4, r += 8) {
      const g = v128.load32_splat(c);
      const v0 = v128.load(<usize>load<u32>(r) + o);
      const v1 = v128.load(<usize>load<u32>(r, 4) + o);
      const lo = i8x16.shuffle(v0, v1, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
      const hi = i8x16.shuffle(v0, v1, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
      a0 = i32x4.add(a0, i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(lo), g));
      a1 = i32x4.add(a1, i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(lo), g));
      a2 = i32x4.add(a2, i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(hi), g));
      a3 = i32x4.add(a3, i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(hi), g));
    }
    v128.store(y, a0);
    v128.store(y, a1, 16);
    v128.store(y, a2, 32);
    v128.store(y, a3, 48);
  }
}

/** nearest(v), ties to even, as an integer; 0 for NaN (a NaN coefficient's token gets a NaN scale). */
@inline
function level(v: f32): i32 {
  const r = nearest<f32>(v);
  return r == r ? <i32>r : 0;
}

/** y[0 .. ob) = scale * f32(y as i32), in place. */
function scaleOutputs(y: usize, ob: i32, scale: f32): void {
  const s = f32x4.splat(scale);
  for (let o: usize = 0; o < <usize>ob << 2; o += 16) v128.store(y + o, f32x4.mul(s, f32x4.convert_i32x4_s(v128.load(y + o))));
}

/** logit of a visit from its integer dot: f32(dot) * (xScale * rowScale) + bias. */
@inline
function logitOf<X>(raw: i32, node: i32, xs: f32, wScale: usize, rowSum: usize, bIn: usize): f32 {
  const d = relaxedDot<X>() ? raw - (load<i32>(at(rowSum, node)) << 6) : raw;
  return <f32>d * (xs * load<f32>(at(wScale, node))) + load<f32>(at(bIn, node));
}

/**
 * Tokens [b0, b1) of a batch, with the relaxed dot where `useRelaxedDot` is set (and the build
 * has it), else the portable one. Layouts (byte addresses): wIn [N, hb] int8 rows (hb a multiple of
 * 16, zero-padded), wScale, bIn [N] f32, rowSum [N] i32 (the sum of each wIn row), wOutT [N, ob]
 * int8 rows (ob a multiple of 16), oScale [N] f32; x [B, hb] f32, y [B, ob] f32, nodes i32 and
 * logits f32 [B, trees, depth + 1].
 */
export function conditionalTokensQ8(
  wIn: usize,
  wScale: usize,
  rowSum: usize,
  bIn: usize,
  wOutT: usize,
  oScale: usize,
  hb: i32,
  ob: i32,
  trees: i32,
  depth: i32,
  x: usize,
  y: usize,
  nodes: usize,
  logits: usize,
  b0: i32,
  b1: i32,
  scratch: usize,
  useRelaxedDot: i32,
): void {
  if (ASC_FEATURE_RELAXED_SIMD && useRelaxedDot) walk<u8>(wIn, wScale, rowSum, bIn, wOutT, oScale, hb, ob, trees, depth, x, y, nodes, logits, b0, b1, scratch);
  else walk<i16>(wIn, wScale, rowSum, bIn, wOutT, oScale, hb, ob, trees, depth, x, y, nodes, logits, b0, b1, scratch);
}

function walk<X>(
  wIn: usize,
  wScale: usize,
  rowSum: usize,
  bIn: usize,
  wOutT: usize,
  oScale: usize,
  hb: i32,
  ob: i32,
  trees: i32,
  depth: i32,
  x: usize,
  y: usize,
  nodes: usize,
  logits: usize,
  b0: i32,
  b1: i32,
  scratch: usize,
): void {
  const n = (1 << (depth + 1)) - 1;
  const levels = depth + 1;
  const visits = trees * levels;
  const coefLevels = coefficientLevels(visits);
  const rowBytes = <usize>hb;
  const qRow = <usize>hb * sizeof<X>();
  let order = scratch;
  let next = at(order, TILE);
  const cur = at(next, TILE);
  const singles = at(cur, TILE);
  const xs = at(singles, TILE);
  const coef = at(xs, TILE);
  const rows = at(coef, visits + 1);
  const out = at(rows, visits + 1);
  const xq = ((at(out, 4) + 15) >> 4) << 4;

  for (let t0 = b0; t0 < b1; t0 += TILE) {
    const count = min(TILE, b1 - t0);
    quantizeTile<X>(x + <usize>t0 * (<usize>hb << 2), hb, count, xq, xs);
    for (let t = 0; t < trees; t++) {
      const base = t * n;
      for (let s = 0; s < count; s++) {
        store<i32>(at(order, s), s);
        store<i32>(at(cur, s), base);
      }
      for (let l = 0; l < levels; l++) {
        const first = ((t0 * trees + t) * levels + l) << 2;
        const stride = (trees * levels) << 2;
        let lone = 0;
        let g = 0;
        while (g < count) {
          const node = load<i32>(at(cur, load<i32>(at(order, g))));
          let g1 = g + 1;
          while (g1 < count && load<i32>(at(cur, load<i32>(at(order, g1)))) == node) g1++;
          const w = wIn + <usize>node * rowBytes;
          let q = g;
          for (; q + 4 <= g1; q += 4) {
            const s0 = load<i32>(at(order, q));
            const s1 = load<i32>(at(order, q + 1));
            const s2 = load<i32>(at(order, q + 2));
            const s3 = load<i32>(at(order, q + 3));
            dotShared4<X>(xq + <usize>s0 * qRow, xq + <usize>s1 * qRow, xq + <usize>s2 * qRow, xq + <usize>s3 * qRow, w, hb, out);
            store<f32>(logits + <usize>(first + s0 * stride), logitOf<X>(load<i32>(out), node, load<f32>(at(xs, s0)), wScale, rowSum, bIn));
            store<f32>(logits + <usize>(first + s1 * stride), logitOf<X>(load<i32>(out, 4), node, load<f32>(at(xs, s1)), wScale, rowSum, bIn));
            store<f32>(logits + <usize>(first + s2 * stride), logitOf<X>(load<i32>(out, 8), node, load<f32>(at(xs, s2)), wScale, rowSum, bIn));
            store<f32>(logits + <usize>(first + s3 * stride), logitOf<X>(load<i32>(out, 12), node, load<f32>(at(xs, s3)), wScale, rowSum, bIn));
          }
          if (q + 2 <= g1) {
            const s0 = load<i32>(at(order, q));
            const s1 = load<i32>(at(order, q + 1));
            dotShared2<X>(xq + <usize>s0 * qRow, xq + <usize>s1 * qRow, w, hb, out);
            store<f32>(logits + <usize>(first + s0 * stride), logitOf<X>(load<i32>(out), node, load<f32>(at(xs, s0)), wScale, rowSum, bIn));
            store<f32>(logits + <usize>(first + s1 * stride), logitOf<X>(load<i32>(out, 4), node, load<f32>(at(xs, s1)), wScale, rowSum, bIn));
            q += 2;
          }
          if (q < g1) {
            store<i32>(at(singles, lone), load<i32>(at(order, q)));
            lone++;
          }
          g = g1;
        }
        let q = 0;
        for (; q + 2 <= lone; q += 2) {
          const s0 = load<i32>(at(singles, q));
          const s1 = load<i32>(at(singles, q + 1));
          const n0 = load<i32>(at(cur, s0));
          const n1 = load<i32>(at(cur, s1));
          dotPair<X>(xq + <usize>s0 * qRow, wIn + <usize>n0 * rowBytes, xq + <usize>s1 * qRow, wIn + <usize>n1 * rowBytes, hb, out);
          store<f32>(logits + <usize>(first + s0 * stride), logitOf<X>(load<i32>(out), n0, load<f32>(at(xs, s0)), wScale, rowSum, bIn));
          store<f32>(logits + <usize>(first + s1 * stride), logitOf<X>(load<i32>(out, 4), n1, load<f32>(at(xs, s1)), wScale, rowSum, bIn));
        }
        if (q < lone) {
          const s0 = load<i32>(at(singles, q));
          const n0 = load<i32>(at(cur, s0));
          const raw = dot<X>(xq + <usize>s0 * qRow, wIn + <usize>n0 * rowBytes, hb);
          store<f32>(logits + <usize>(first + s0 * stride), logitOf<X>(raw, n0, load<f32>(at(xs, s0)), wScale, rowSum, bIn));
        }
        partitionByChild(order, next, cur, count, base, logits, nodes, first, stride);
        const swap = order;
        order = next;
        next = swap;
      }
    }
    // Tokens in leaf order, as in conditional.ts: neighbours share their upper rows of wOut^T.
    // Each token's coefficients f32(GELU(logit)) * outScale are quantized to i16 levels
    // (scale max |c| / levels, nearest, ties to even), so its output is one exact integer sum.
    for (let r = 0; r < count; r++) {
      const b = t0 + load<i32>(at(order, r));
      const e0 = <usize>(b * visits) << 2;
      let m: f32 = 0;
      for (let q = 0; q < visits; q++) {
        const e = e0 + (<usize>q << 2);
        const node = load<i32>(nodes + e);
        const c = <f32>gelu(<f64>load<f32>(logits + e)) * load<f32>(at(oScale, node));
        store<f32>(at(coef, q), c);
        m = max(m, abs(c));
        store<u32>(at(rows, q), <u32>(wOutT + <usize>node * <usize>ob));
      }
      const inv: f32 = m > 0 ? <f32>coefLevels / m : 0;
      // pairs of i16 coefficients, written over the f32 ones (pair p at word p, read before written)
      for (let q = 0; q < visits; q += 2) {
        const c0 = level(load<f32>(at(coef, q)) * inv);
        const c1 = q + 1 < visits ? level(load<f32>(at(coef, q + 1)) * inv) : 0;
        store<i32>(at(coef, q >> 1), (c0 & 0xffff) | (c1 << 16));
      }
      if (visits & 1) store<u32>(at(rows, visits), load<u32>(rows));
      const yb = y + <usize>b * (<usize>ob << 2);
      sumScaledRowsQ8(coef, rows, visits, ob, yb);
      scaleOutputs(yb, ob, m / <f32>coefLevels);
    }
  }
}
