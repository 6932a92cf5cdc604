// a * b + c, lane-wise, the one multiply-add every kernel uses. The relaxed-SIMD build
// (--enable relaxed-simd) emits f32x4.relaxed_madd: one fused instruction where the
// CPU has FMA, so one rounding instead of two and one instruction instead of two. The
// SIMD build multiplies, rounds, then adds. Either way a build always rounds the same
// way, so its bits do not depend on batch, tiling or thread.

@inline
export function muladd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}
