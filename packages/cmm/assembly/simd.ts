// Vector helpers. A row of width H is stored as hv = ceil(H / 4) f32x4 vectors,
// zero-padded, 16-byte aligned.
//
// Every dot product here sums in the same order, whatever kernel calls it: per block
// of four vectors j..j+3, a0 += (p_j + p_j+2) and a1 += (p_j+1 + p_j+3) with
// p = x * w lane-wise; the last hv % 4 vectors go to a0, a1, a0 in turn; the result
// is the lanes of a0 + a1 summed as (0 + 1) + (2 + 3). A token's logit therefore has
// the same bits whether its dot runs alone, shares a weight row with other tokens,
// or runs on another thread: routing does not depend on the batch.
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

/** Adds the last hv % 4 products (vectors at byte offset o) in the canonical order. */
@inline
function tail(a: v128, x: usize, w: usize, o: usize, rest: i32, second: bool): v128 {
  // a0 takes vectors 0 and 2 of the partial block, a1 takes vector 1
  if (!second) {
    if (rest > 0) a = add(a, mul(v128.load(x + o), v128.load(w + o)));
    if (rest > 2) a = add(a, mul(v128.load(x + o, 32), v128.load(w + o, 32)));
  } else if (rest > 1) {
    a = add(a, mul(v128.load(x + o, 16), v128.load(w + o, 16)));
  }
  return a;
}

/** x . w over hv vectors. */
export function dot(x: usize, w: usize, hv: i32): f32 {
  let a0 = f32x4.splat(0);
  let a1 = f32x4.splat(0);
  const n = <usize>(hv & ~3) << 4;
  let o: usize = 0;
  for (; o < n; o += 64) {
    a0 = add(a0, add(mul(v128.load(x + o), v128.load(w + o)), mul(v128.load(x + o, 32), v128.load(w + o, 32))));
    a1 = add(a1, add(mul(v128.load(x + o, 16), v128.load(w + o, 16)), mul(v128.load(x + o, 48), v128.load(w + o, 48))));
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
  const n = <usize>(hv & ~3) << 4;
  let o: usize = 0;
  for (; o < n; o += 64) {
    a0 = add(a0, add(mul(v128.load(x0 + o), v128.load(w0 + o)), mul(v128.load(x0 + o, 32), v128.load(w0 + o, 32))));
    b0 = add(b0, add(mul(v128.load(x1 + o), v128.load(w1 + o)), mul(v128.load(x1 + o, 32), v128.load(w1 + o, 32))));
    a1 = add(a1, add(mul(v128.load(x0 + o, 16), v128.load(w0 + o, 16)), mul(v128.load(x0 + o, 48), v128.load(w0 + o, 48))));
    b1 = add(b1, add(mul(v128.load(x1 + o, 16), v128.load(w1 + o, 16)), mul(v128.load(x1 + o, 48), v128.load(w1 + o, 48))));
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
  const n = <usize>(hv & ~3) << 4;
  let o: usize = 0;
  for (; o < n; o += 64) {
    let u = v128.load(w + o);
    let v = v128.load(w + o, 32);
    a0 = add(a0, add(mul(v128.load(x0 + o), u), mul(v128.load(x0 + o, 32), v)));
    b0 = add(b0, add(mul(v128.load(x1 + o), u), mul(v128.load(x1 + o, 32), v)));
    u = v128.load(w + o, 16);
    v = v128.load(w + o, 48);
    a1 = add(a1, add(mul(v128.load(x0 + o, 16), u), mul(v128.load(x0 + o, 48), v)));
    b1 = add(b1, add(mul(v128.load(x1 + o, 16), u), mul(v128.load(x1 + o, 48), v)));
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
  const n = <usize>(hv & ~3) << 4;
  let o: usize = 0;
  for (; o < n; o += 64) {
    let u = v128.load(w + o);
    let v = v128.load(w + o, 32);
    a0 = add(a0, add(mul(v128.load(x0 + o), u), mul(v128.load(x0 + o, 32), v)));
    b0 = add(b0, add(mul(v128.load(x1 + o), u), mul(v128.load(x1 + o, 32), v)));
    c0 = add(c0, add(mul(v128.load(x2 + o), u), mul(v128.load(x2 + o, 32), v)));
    d0 = add(d0, add(mul(v128.load(x3 + o), u), mul(v128.load(x3 + o, 32), v)));
    u = v128.load(w + o, 16);
    v = v128.load(w + o, 48);
    a1 = add(a1, add(mul(v128.load(x0 + o, 16), u), mul(v128.load(x0 + o, 48), v)));
    b1 = add(b1, add(mul(v128.load(x1 + o, 16), u), mul(v128.load(x1 + o, 48), v)));
    c1 = add(c1, add(mul(v128.load(x2 + o, 16), u), mul(v128.load(x2 + o, 48), v)));
    d1 = add(d1, add(mul(v128.load(x3 + o, 16), u), mul(v128.load(x3 + o, 48), v)));
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

@inline
function mac(acc: v128, a: v128, b: v128): v128 {
  return f32x4.add(acc, f32x4.mul(a, b));
}

/**
 * out[0 .. ov) = sum over q < count of coef[q] * row[q][0 .. ov), rows given as byte
 * addresses in rows[], 16 outputs at a time in registers, so out is written once.
 */
export function sumScaledRows(coef: usize, rows: usize, count: i32, ov: i32, out: usize): void {
  const rowsEnd = rows + (<usize>count << 2);
  let o: usize = 0;
  const n4 = <usize>(ov & ~3) << 4;
  for (; o < n4; o += 64) {
    let a0 = f32x4.splat(0);
    let a1 = f32x4.splat(0);
    let a2 = f32x4.splat(0);
    let a3 = f32x4.splat(0);
    let c = coef;
    for (let r = rows; r < rowsEnd; r += 4, c += 4) {
      const g = v128.load32_splat(c);
      const p = <usize>load<u32>(r) + o;
      a0 = mac(a0, g, v128.load(p));
      a1 = mac(a1, g, v128.load(p, 16));
      a2 = mac(a2, g, v128.load(p, 32));
      a3 = mac(a3, g, v128.load(p, 48));
    }
    v128.store(out + o, a0);
    v128.store(out + o, a1, 16);
    v128.store(out + o, a2, 32);
    v128.store(out + o, a3, 48);
  }
  const nv = <usize>ov << 4;
  for (; o < nv; o += 16) {
    let a = f32x4.splat(0);
    let c = coef;
    for (let r = rows; r < rowsEnd; r += 4, c += 4) a = mac(a, v128.load32_splat(c), v128.load(<usize>load<u32>(r) + o));
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
