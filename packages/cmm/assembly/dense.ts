import { gelu } from './gelu';
import { muladd } from './muladd';

// Dense matrix-matrix product C = A P for the feedforward: A [rows, K] row-major (the
// tokens), P a weight matrix [K, cols] pre-packed once into panels of 8 columns, each
// panel [K][8] contiguous. Blocked for the caches: K in blocks of KC (a 4-row slice of
// A stays in L1), panels in blocks of PANEL_BLOCK (their K-slices stay in L2), and a
// 4x8 register tile (8 f32x4 accumulators) as the micro-kernel.

export const PANEL_WIDTH: i32 = 8;
const KC: i32 = 256;
const PANEL_BLOCK: i32 = 24;

@inline
function loadOrZero(p: usize, first: bool): v128 {
  return first ? f32x4.splat(0) : v128.load(p);
}

function kernel4x8(a: usize, ldaBytes: usize, p: usize, kc: i32, c: usize, ldcBytes: usize, first: bool): void {
  const c1 = c + ldcBytes;
  const c2 = c1 + ldcBytes;
  const c3 = c2 + ldcBytes;
  let r00 = loadOrZero(c, first);
  let r01 = loadOrZero(c + 16, first);
  let r10 = loadOrZero(c1, first);
  let r11 = loadOrZero(c1 + 16, first);
  let r20 = loadOrZero(c2, first);
  let r21 = loadOrZero(c2 + 16, first);
  let r30 = loadOrZero(c3, first);
  let r31 = loadOrZero(c3 + 16, first);
  const a1 = a + ldaBytes;
  const a2 = a1 + ldaBytes;
  const a3 = a2 + ldaBytes;
  const end = a + (<usize>kc << 2);
  for (let off: usize = 0; a + off < end; off += 4, p += 32) {
    const b0 = v128.load(p);
    const b1 = v128.load(p, 16);
    let s = v128.load32_splat(a + off);
    r00 = muladd(s, b0, r00);
    r01 = muladd(s, b1, r01);
    s = v128.load32_splat(a1 + off);
    r10 = muladd(s, b0, r10);
    r11 = muladd(s, b1, r11);
    s = v128.load32_splat(a2 + off);
    r20 = muladd(s, b0, r20);
    r21 = muladd(s, b1, r21);
    s = v128.load32_splat(a3 + off);
    r30 = muladd(s, b0, r30);
    r31 = muladd(s, b1, r31);
  }
  v128.store(c, r00);
  v128.store(c + 16, r01);
  v128.store(c1, r10);
  v128.store(c1 + 16, r11);
  v128.store(c2, r20);
  v128.store(c2 + 16, r21);
  v128.store(c3, r30);
  v128.store(c3 + 16, r31);
}

function kernel1x8(a: usize, p: usize, kc: i32, c: usize, first: bool): void {
  let r0 = loadOrZero(c, first);
  let r1 = loadOrZero(c + 16, first);
  let q0 = f32x4.splat(0);
  let q1 = f32x4.splat(0);
  const end = a + (<usize>(kc & ~1) << 2);
  let off: usize = 0;
  // two independent chains, joined at the end, so the adds do not wait on each other
  for (; a + off < end; off += 8, p += 64) {
    let s = v128.load32_splat(a + off);
    r0 = muladd(s, v128.load(p), r0);
    r1 = muladd(s, v128.load(p, 16), r1);
    s = v128.load32_splat(a + off + 4);
    q0 = muladd(s, v128.load(p, 32), q0);
    q1 = muladd(s, v128.load(p, 48), q1);
  }
  if (kc & 1) {
    const s = v128.load32_splat(a + off);
    r0 = muladd(s, v128.load(p), r0);
    r1 = muladd(s, v128.load(p, 16), r1);
  }
  v128.store(c, f32x4.add(r0, q0));
  v128.store(c + 16, f32x4.add(r1, q1));
}

function epilogue(c: usize, bias: usize, col: i32, applyGelu: bool): void {
  for (let j = 0; j < PANEL_WIDTH; j++) {
    const p = c + (<usize>j << 2);
    let v = load<f32>(p);
    if (bias) v += load<f32>(bias + (<usize>(col + j) << 2));
    store<f32>(p, applyGelu ? <f32>gelu(<f64>v) : v);
  }
}

/**
 * C[r, 8p + j] = epilogue(sum_k A[r, k] P_p[k, j]) for r < rowCount and panels p in
 * [p0, p1). a: lda floats per row; packed: panel p at packed + p * depth * 32 bytes;
 * c: ldc floats per row. Epilogue: + bias[col] when bias != 0, then GELU when asked.
 */
export function gemmPacked(
  a: usize,
  lda: i32,
  rowCount: i32,
  packed: usize,
  depth: i32,
  p0: i32,
  p1: i32,
  c: usize,
  ldc: i32,
  bias: usize,
  applyGelu: bool,
): void {
  const ldaBytes = <usize>lda << 2;
  const ldcBytes = <usize>ldc << 2;
  const panelBytes = <usize>depth << 5;
  for (let k0 = 0; k0 < depth; k0 += KC) {
    const kc = min(KC, depth - k0);
    const first = k0 == 0;
    const last = k0 + kc == depth;
    for (let pb = p0; pb < p1; pb += PANEL_BLOCK) {
      const pe = min(p1, pb + PANEL_BLOCK);
      let r = 0;
      for (; r + 4 <= rowCount; r += 4) {
        const ar = a + <usize>r * ldaBytes + (<usize>k0 << 2);
        for (let p = pb; p < pe; p++) {
          const ct = c + <usize>r * ldcBytes + (<usize>p << 5);
          kernel4x8(ar, ldaBytes, packed + <usize>p * panelBytes + (<usize>k0 << 5), kc, ct, ldcBytes, first);
          if (last) for (let i = 0; i < 4; i++) epilogue(ct + <usize>i * ldcBytes, bias, p * PANEL_WIDTH, applyGelu);
        }
      }
      for (; r < rowCount; r++) {
        const ar = a + <usize>r * ldaBytes + (<usize>k0 << 2);
        for (let p = pb; p < pe; p++) {
          const ct = c + <usize>r * ldcBytes + (<usize>p << 5);
          kernel1x8(ar, packed + <usize>p * panelBytes + (<usize>k0 << 5), kc, ct, first);
          if (last) epilogue(ct, bias, p * PANEL_WIDTH, applyGelu);
        }
      }
    }
  }
}
