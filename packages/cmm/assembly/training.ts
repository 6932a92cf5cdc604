import { gelu, geluDerivative } from './gelu';
import { dot, sumScaledRows } from './simd';

// Compute parts of the sparse training kernels. The host gathers the visited rows
// of the reference-layout weights into compact blocks; these functions only see
// compact rows of f32x4 vectors and per-visit index arrays.

/** out[b] = x[b] . rows[rowOf[b]] + bias[b] for b < count: one level of routing. */
export function gatherDots(x: usize, hv: i32, rows: usize, rowOf: usize, bias: usize, count: i32, out: usize): void {
  const rowBytes = <usize>hv << 4;
  for (let b = 0; b < count; b++) {
    const p = <usize>b << 2;
    store<f32>(out + p, dot(x + <usize>b * rowBytes, rows + <usize>load<i32>(rowOf + p) * rowBytes, hv) + load<f32>(bias + p));
  }
}

/** out[b] = sum over q < visits of coef[b, q] * row at address rows[b, q], for b < count; out rows of ov vectors. */
export function sumScaledRowsBatch(coef: usize, rows: usize, visits: i32, count: i32, ov: i32, out: usize): void {
  const step = <usize>visits << 2;
  const outBytes = <usize>ov << 4;
  for (let b = 0; b < count; b++) sumScaledRows(coef + <usize>b * step, rows + <usize>b * step, visits, ov, out + <usize>b * outBytes);
}

/** GELU of each logit, as f32. */
export function geluAll(logits: usize, count: i32, out: usize): void {
  for (let e = 0; e < count; e++) {
    const p = <usize>e << 2;
    store<f32>(out + p, <f32>gelu(<f64>load<f32>(logits + p)));
  }
}

/**
 * Per visit e of token b = e / visits: g[e] = (dy[b] . columns[slotOf[e]]) * GELU'(logit[e])
 * and act[e] = GELU(logit[e]); columns [U, ov] holds the visited columns of wOut.
 */
export function backwardCoefficients(dy: usize, ov: i32, columns: usize, slotOf: usize, logits: usize, visits: i32, count: i32, g: usize, act: usize): void {
  const outBytes = <usize>ov << 4;
  for (let e = 0; e < count; e++) {
    const p = <usize>e << 2;
    const z = <f64>load<f32>(logits + p);
    const b = e / visits;
    const s = dot(dy + <usize>b * outBytes, columns + <usize>load<i32>(slotOf + p) * outBytes, ov);
    store<f32>(g + p, <f32>(<f64>s * geluDerivative(z)));
    store<f32>(act + p, <f32>gelu(z));
  }
}

/**
 * Per visited neuron u < U, with its visits entries[start[u] .. start[u+1]) in token order:
 * dWIn[u] = sum g[e] x[b(e)], dbIn[u] = sum g[e], dWOutT[u] = sum act[e] dy[b(e)].
 * coefTmp and rowsTmp hold up to `count` values.
 */
export function backwardGroups(
  entries: usize,
  start: usize,
  units: i32,
  visits: i32,
  g: usize,
  act: usize,
  x: usize,
  hv: i32,
  dy: usize,
  ov: i32,
  coefTmp: usize,
  rowsTmp: usize,
  dWIn: usize,
  dbIn: usize,
  dWOutT: usize,
): void {
  const rowBytes = <usize>hv << 4;
  const outBytes = <usize>ov << 4;
  for (let u = 0; u < units; u++) {
    const first = load<i32>(start + (<usize>u << 2));
    const size = load<i32>(start + (<usize>(u + 1) << 2)) - first;
    let bias: f64 = 0;
    for (let s = 0; s < size; s++) {
      const e = load<i32>(entries + (<usize>(first + s) << 2));
      const gv = load<f32>(g + (<usize>e << 2));
      bias += <f64>gv;
      store<f32>(coefTmp + (<usize>s << 2), gv);
      store<u32>(rowsTmp + (<usize>s << 2), <u32>(x + <usize>(e / visits) * rowBytes));
    }
    store<f32>(dbIn + (<usize>u << 2), <f32>bias);
    sumScaledRows(coefTmp, rowsTmp, size, hv, dWIn + <usize>u * rowBytes);
    for (let s = 0; s < size; s++) {
      const e = load<i32>(entries + (<usize>(first + s) << 2));
      store<f32>(coefTmp + (<usize>s << 2), load<f32>(act + (<usize>e << 2)));
      store<u32>(rowsTmp + (<usize>s << 2), <u32>(dy + <usize>(e / visits) * outBytes));
    }
    sumScaledRows(coefTmp, rowsTmp, size, ov, dWOutT + <usize>u * outBytes);
  }
}
