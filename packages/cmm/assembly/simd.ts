import { muladd } from './muladd';

// Vector helpers. A row of width H is stored as hv = ceil(H / 4) f32x4 vectors,
// zero-padded, 16-byte aligned.
//
// Every dot product here sums in the same order, whatever kernel calls it. With
// p = x * w lane-wise: per block of eight vectors j..j+7,
// a0 += ((p_j + p_j+2) + (p_j+4 + p_j+6)) and a1 += ((p_j+1 + p_j+3) + (p_j+5 + p_j+7));
// then, if four or more vectors remain, a0 += (p_j + p_j+2) and a1 += (p_j+1 + p_j+3);
// the last hv % 4 vectors go to a0, a1, a0 in turn; the result is the lanes of
// a0 + a1 summed as (0 + 1) + (2 + 3). Each pair p_j + p_j+2 (and each tail product
// added to an accumulator) is one muladd: in the relaxed-SIMD build x_j+2 * w_j+2 is
// fused onto the rounded p_j. A token's logit therefore has the same bits
// whether its dot runs alone, shares a weight row with other tokens, or runs on
// another thread: routing does not depend on the batch.
//
// Eight vectors per loop-carried add: an f32x4 add has a latency of 3-4 cycles, and
// with one add per accumulator per four vectors the loop partly waited on that chain
// (measured ~5% slower at H = 768 with the row in L1; a dot here is then bound by
// its two loads per f32x4 multiply-add).
//
// The loops are written so each loaded vector is used at once: V8 keeps all loads of
// an iteration live otherwise, and more than ~14 live vectors spill to the stack.

@inline
export function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

@inline
function mul(a: v128, b: v128): v128 {
  return f32x4.mul(a, b);
}

@inline
function add(a: v128, b: v128): v128 {
  return f32x4.add(a, b);
}

@inline
function finish(a0: v128, a1: v128): f32 {
  return hsum(add(a0, a1));
}

/** p_0 + p_2 at x, w (vector offsets 0 and 2). */
@inline
function duo(x: usize, w: usize): v128 {
  return muladd(v128.load(x, 32), v128.load(w, 32), mul(v128.load(x), v128.load(w)));
}

/** (p_0 + p_2) + (p_4 + p_6) at x, w. */
@inline
function quad(x: usize, w: usize): v128 {
  return add(duo(x, w), muladd(v128.load(x, 96), v128.load(w, 96), mul(v128.load(x, 64), v128.load(w, 64))));
}

/** (p_0 + p_2) + (p_4 + p_6) at x against weight vectors already loaded. */
@inline
function quadShared(x: usize, u0: v128, u2: v128, u4: v128, u6: v128): v128 {
  return add(muladd(v128.load(x, 32), u2, mul(v128.load(x), u0)), muladd(v128.load(x, 96), u6, mul(v128.load(x, 64), u4)));
}

/** p_0 + p_2 at x against weight vectors already loaded. */
@inline
function duoShared(x: usize, u0: v128, u2: v128): v128 {
  return muladd(v128.load(x, 32), u2, mul(v128.load(x), u0));
}

/** Adds the last hv % 4 products (vectors at byte offset o) in the canonical order. */
@inline
function tail(a: v128, x: usize, w: usize, o: usize, rest: i32, second: bool): v128 {
  // a0 takes vectors 0 and 2 of the partial block, a1 takes vector 1
  if (!second) {
    if (rest > 0) a = muladd(v128.load(x + o), v128.load(w + o), a);
    if (rest > 2) a = muladd(v128.load(x + o, 32), v128.load(w + o, 32), a);
  } else if (rest > 1) {
    a = muladd(v128.load(x + o, 16), v128.load(w + o, 16), a);
  }
  return a;
}

/** x . w over hv vectors. */
export function dot(x: usize, w: usize, hv: i32): f32 {
  let a0 = f32x4.splat(0);
  let a1 = f32x4.splat(0);
  const n8 = <usize>(hv & ~7) << 4;
  let o: usize = 0;
  for (; o < n8; o += 128) {
    a0 = add(a0, quad(x + o, w + o));
    a1 = add(a1, quad(x + o + 16, w + o + 16));
  }
  if (hv & 4) {
    a0 = add(a0, duo(x + o, w + o));
    a1 = add(a1, duo(x + o + 16, w + o + 16));
    o += 64;
  }
  const rest = hv & 3;
  if (rest) {
    a0 = tail(a0, x, w, o, rest, false);
    a1 = tail(a1, x, w, o, rest, true);
  }
  return finish(a0, a1);
}

/** x0 . w0 and x1 . w1 in one loop, two independent streams of loads. Results at out, out + 4. */
export function dotPair(x0: usize, w0: usize, x1: usize, w1: usize, hv: i32, out: usize): void {
  let a0 = f32x4.splat(0);
  let a1 = f32x4.splat(0);
  let b0 = f32x4.splat(0);
  let b1 = f32x4.splat(0);
  const n8 = <usize>(hv & ~7) << 4;
  let o: usize = 0;
  for (; o < n8; o += 128) {
    a0 = add(a0, quad(x0 + o, w0 + o));
    b0 = add(b0, quad(x1 + o, w1 + o));
    a1 = add(a1, quad(x0 + o + 16, w0 + o + 16));
    b1 = add(b1, quad(x1 + o + 16, w1 + o + 16));
  }
  if (hv & 4) {
    a0 = add(a0, duo(x0 + o, w0 + o));
    b0 = add(b0, duo(x1 + o, w1 + o));
    a1 = add(a1, duo(x0 + o + 16, w0 + o + 16));
    b1 = add(b1, duo(x1 + o + 16, w1 + o + 16));
    o += 64;
  }
  const rest = hv & 3;
  if (rest) {
    a0 = tail(a0, x0, w0, o, rest, false);
    a1 = tail(a1, x0, w0, o, rest, true);
    b0 = tail(b0, x1, w1, o, rest, false);
    b1 = tail(b1, x1, w1, o, rest, true);
  }
  store<f32>(out, finish(a0, a1));
  store<f32>(out, finish(b0, b1), 4);
}

/** x0 . w and x1 . w, each weight vector loaded once. Results at out, out + 4. */
export function dotShared2(x0: usize, x1: usize, w: usize, hv: i32, out: usize): void {
  let a0 = f32x4.splat(0);
  let a1 = f32x4.splat(0);
  let b0 = f32x4.splat(0);
  let b1 = f32x4.splat(0);
  const n8 = <usize>(hv & ~7) << 4;
  let o: usize = 0;
  for (; o < n8; o += 128) {
    let u0 = v128.load(w + o);
    let u2 = v128.load(w + o, 32);
    let u4 = v128.load(w + o, 64);
    let u6 = v128.load(w + o, 96);
    a0 = add(a0, quadShared(x0 + o, u0, u2, u4, u6));
    b0 = add(b0, quadShared(x1 + o, u0, u2, u4, u6));
    u0 = v128.load(w + o, 16);
    u2 = v128.load(w + o, 48);
    u4 = v128.load(w + o, 80);
    u6 = v128.load(w + o, 112);
    a1 = add(a1, quadShared(x0 + o + 16, u0, u2, u4, u6));
    b1 = add(b1, quadShared(x1 + o + 16, u0, u2, u4, u6));
  }
  if (hv & 4) {
    let u0 = v128.load(w + o);
    let u2 = v128.load(w + o, 32);
    a0 = add(a0, duoShared(x0 + o, u0, u2));
    b0 = add(b0, duoShared(x1 + o, u0, u2));
    u0 = v128.load(w + o, 16);
    u2 = v128.load(w + o, 48);
    a1 = add(a1, duoShared(x0 + o + 16, u0, u2));
    b1 = add(b1, duoShared(x1 + o + 16, u0, u2));
    o += 64;
  }
  const rest = hv & 3;
  if (rest) {
    a0 = tail(a0, x0, w, o, rest, false);
    a1 = tail(a1, x0, w, o, rest, true);
    b0 = tail(b0, x1, w, o, rest, false);
    b1 = tail(b1, x1, w, o, rest, true);
  }
  store<f32>(out, finish(a0, a1));
  store<f32>(out, finish(b0, b1), 4);
}

/** x0..x3 . w, each weight vector loaded once. Results at out .. out + 12. */
export function dotShared4(x0: usize, x1: usize, x2: usize, x3: usize, w: usize, hv: i32, out: usize): void {
  let a0 = f32x4.splat(0);
  let a1 = f32x4.splat(0);
  let b0 = f32x4.splat(0);
  let b1 = f32x4.splat(0);
  let c0 = f32x4.splat(0);
  let c1 = f32x4.splat(0);
  let d0 = f32x4.splat(0);
  let d1 = f32x4.splat(0);
  const n8 = <usize>(hv & ~7) << 4;
  let o: usize = 0;
  for (; o < n8; o += 128) {
    let u0 = v128.load(w + o);
    let u2 = v128.load(w + o, 32);
    let u4 = v128.load(w + o, 64);
    let u6 = v128.load(w + o, 96);
    a0 = add(a0, quadShared(x0 + o, u0, u2, u4, u6));
    b0 = add(b0, quadShared(x1 + o, u0, u2, u4, u6));
    c0 = add(c0, quadShared(x2 + o, u0, u2, u4, u6));
    d0 = add(d0, quadShared(x3 + o, u0, u2, u4, u6));
    u0 = v128.load(w + o, 16);
    u2 = v128.load(w + o, 48);
    u4 = v128.load(w + o, 80);
    u6 = v128.load(w + o, 112);
    a1 = add(a1, quadShared(x0 + o + 16, u0, u2, u4, u6));
    b1 = add(b1, quadShared(x1 + o + 16, u0, u2, u4, u6));
    c1 = add(c1, quadShared(x2 + o + 16, u0, u2, u4, u6));
    d1 = add(d1, quadShared(x3 + o + 16, u0, u2, u4, u6));
  }
  if (hv & 4) {
    let u0 = v128.load(w + o);
    let u2 = v128.load(w + o, 32);
    a0 = add(a0, duoShared(x0 + o, u0, u2));
    b0 = add(b0, duoShared(x1 + o, u0, u2));
    c0 = add(c0, duoShared(x2 + o, u0, u2));
    d0 = add(d0, duoShared(x3 + o, u0, u2));
    u0 = v128.load(w + o, 16);
    u2 = v128.load(w + o, 48);
    a1 = add(a1, duoShared(x0 + o + 16, u0, u2));
    b1 = add(b1, duoShared(x1 + o + 16, u0, u2));
    c1 = add(c1, duoShared(x2 + o + 16, u0, u2));
    d1 = add(d1, duoShared(x3 + o + 16, u0, u2));
    o += 64;
  }
  const rest = hv & 3;
  if (rest) {
    a0 = tail(a0, x0, w, o, rest, false);
    a1 = tail(a1, x0, w, o, rest, true);
    b0 = tail(b0, x1, w, o, rest, false);
    b1 = tail(b1, x1, w, o, rest, true);
    c0 = tail(c0, x2, w, o, rest, false);
    c1 = tail(c1, x2, w, o, rest, true);
    d0 = tail(d0, x3, w, o, rest, false);
    d1 = tail(d1, x3, w, o, rest, true);
  }
  store<f32>(out, finish(a0, a1));
  store<f32>(out, finish(b0, b1), 4);
  store<f32>(out, finish(c0, c1), 8);
  store<f32>(out, finish(d0, d1), 12);
}

/**
 * Rows per pass of sumScaledRows. Each pass reads its rows side by side, block by
 * block, and many more than 16 streams at once defeat the hardware prefetchers:
 * one pass over all rows took FFF-8x8 (72 rows a token) 53 µs a token at B = 128
 * against 21 in passes of 16, and 32x6 (224 rows) 152 against 71; FFF-1x11 (12 rows)
 * is unchanged. Between passes the partial sums wait in out, which stays in L1.
 */
const ROW_CHUNK: i32 = 16;

/**
 * out[0 .. ov) = sum over q < count of coef[q] * row[q][0 .. ov), rows given as byte
 * addresses in rows[]. Each output sums its rows in order q = 0, 1, ..., whatever the
 * chunking, so the bits do not depend on it.
 */
export function sumScaledRows(coef: usize, rows: usize, count: i32, ov: i32, out: usize): void {
  if (count <= 0) {
    memory.fill(out, 0, <usize>ov << 4);
    return;
  }
  for (let q0 = 0; q0 < count; q0 += ROW_CHUNK) {
    const n = min(ROW_CHUNK, count - q0);
    sumScaledRowsPass(coef + (<usize>q0 << 2), rows + (<usize>q0 << 2), n, ov, out, q0 > 0);
  }
}

/**
 * One pass of sumScaledRows over `count` rows: 24 outputs at a time in registers, then
 * written to out (added to what is there when `accumulate`). Six accumulators: with
 * four, each row partly waited on the latency of the previous row's adds (~5% slower at
 * ov = 192); with eight, V8 loads all eight vectors first and spills an accumulator
 * (~35% slower).
 */
@inline
function sumScaledRowsPass(coef: usize, rows: usize, count: i32, ov: i32, out: usize, accumulate: bool): void {
  const rowsEnd = rows + (<usize>count << 2);
  let o: usize = 0;
  const n6 = <usize>(ov - ov % 6) << 4;
  for (; o < n6; o += 96) {
    let a0 = f32x4.splat(0);
    let a1 = f32x4.splat(0);
    let a2 = f32x4.splat(0);
    let a3 = f32x4.splat(0);
    let a4 = f32x4.splat(0);
    let a5 = f32x4.splat(0);
    if (accumulate) {
      a0 = v128.load(out + o);
      a1 = v128.load(out + o, 16);
      a2 = v128.load(out + o, 32);
      a3 = v128.load(out + o, 48);
      a4 = v128.load(out + o, 64);
      a5 = v128.load(out + o, 80);
    }
    let c = coef;
    for (let r = rows; r < rowsEnd; r += 4, c += 4) {
      const g = v128.load32_splat(c);
      const p = <usize>load<u32>(r) + o;
      a0 = muladd(g, v128.load(p), a0);
      a1 = muladd(g, v128.load(p, 16), a1);
      a2 = muladd(g, v128.load(p, 32), a2);
      a3 = muladd(g, v128.load(p, 48), a3);
      a4 = muladd(g, v128.load(p, 64), a4);
      a5 = muladd(g, v128.load(p, 80), a5);
    }
    v128.store(out + o, a0);
    v128.store(out + o, a1, 16);
    v128.store(out + o, a2, 32);
    v128.store(out + o, a3, 48);
    v128.store(out + o, a4, 64);
    v128.store(out + o, a5, 80);
  }
  if (ov % 6 >= 4) {
    let a0 = f32x4.splat(0);
    let a1 = f32x4.splat(0);
    let a2 = f32x4.splat(0);
    let a3 = f32x4.splat(0);
    if (accumulate) {
      a0 = v128.load(out + o);
      a1 = v128.load(out + o, 16);
      a2 = v128.load(out + o, 32);
      a3 = v128.load(out + o, 48);
    }
    let c = coef;
    for (let r = rows; r < rowsEnd; r += 4, c += 4) {
      const g = v128.load32_splat(c);
      const p = <usize>load<u32>(r) + o;
      a0 = muladd(g, v128.load(p), a0);
      a1 = muladd(g, v128.load(p, 16), a1);
      a2 = muladd(g, v128.load(p, 32), a2);
      a3 = muladd(g, v128.load(p, 48), a3);
    }
    v128.store(out + o, a0);
    v128.store(out + o, a1, 16);
    v128.store(out + o, a2, 32);
    v128.store(out + o, a3, 48);
    o += 64;
  }
  const nv = <usize>ov << 4;
  for (; o < nv; o += 16) {
    let a = accumulate ? v128.load(out + o) : f32x4.splat(0);
    let c = coef;
    for (let r = rows; r < rowsEnd; r += 4, c += 4) a = muladd(v128.load32_splat(c), v128.load(<usize>load<u32>(r) + o), a);
    v128.store(out + o, a);
  }
}

/** Throughput probe for the host's thread calibration: `reps` dots of x with 8 cached rows after it. */
export function probe(x: usize, hv: i32, reps: i32): f32 {
  const rowBytes = <usize>hv << 4;
  let s: f32 = 0;
  for (let i = 0; i < reps; i++) s += dot(x, x + <usize>(1 + (i & 7)) * rowBytes, hv);
  return s;
}
