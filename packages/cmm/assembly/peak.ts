import { muladd } from './muladd';

// The host's multiply-add peak on one thread: twelve independent chains of muladd in
// registers, no memory traffic. Twelve, because the longest chain step (a multiply then
// an add, 6-8 cycles) times the two vector pipes a core has needs that many in flight;
// twelve accumulators and two constants still fit the 16 vector registers V8 uses.
// The constants come in as arguments: V8 13 (Node 24) rematerialises a v128 constant
// at each use inside the loop, which measured a quarter of the peak.

/** `reps` rounds of 12 f32x4 multiply-adds a = a * m + c; returns a sum so the work is not dropped. */
export function multiplyAddPeak(reps: i32, mv: f32, cv: f32): f32 {
  const m = f32x4.splat(mv);
  const c = f32x4.splat(cv);
  let a0 = f32x4.splat(0);
  let a1 = f32x4.splat(1);
  let a2 = f32x4.splat(2);
  let a3 = f32x4.splat(3);
  let a4 = f32x4.splat(4);
  let a5 = f32x4.splat(5);
  let a6 = f32x4.splat(6);
  let a7 = f32x4.splat(7);
  let a8 = f32x4.splat(8);
  let a9 = f32x4.splat(9);
  let a10 = f32x4.splat(10);
  let a11 = f32x4.splat(11);
  for (let i = 0; i < reps; i++) {
    a0 = muladd(a0, m, c);
    a1 = muladd(a1, m, c);
    a2 = muladd(a2, m, c);
    a3 = muladd(a3, m, c);
    a4 = muladd(a4, m, c);
    a5 = muladd(a5, m, c);
    a6 = muladd(a6, m, c);
    a7 = muladd(a7, m, c);
    a8 = muladd(a8, m, c);
    a9 = muladd(a9, m, c);
    a10 = muladd(a10, m, c);
    a11 = muladd(a11, m, c);
  }
  const s = f32x4.add(
    f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7))),
    f32x4.add(f32x4.add(a8, a9), f32x4.add(a10, a11)),
  );
  return f32x4.extract_lane(s, 0);
}
