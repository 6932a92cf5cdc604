import { gelu } from './gelu';
import { dot, dotPair, dotShared2, dotShared4, sumScaledRows } from './simd';

// Fused conditional inference. Tokens are processed in tiles, one tree level at a
// time for the whole tile. The tile is kept ordered by the node each token sits at,
// so tokens sharing a node form a run whose weight row is loaded once per four (or
// two) tokens; tokens alone at their node are paired with each other, so two
// independent rows stream from memory at once. Once a tile has walked all its
// trees, each token's output is one sum of k(d+1) scaled rows of wOut^T held in
// registers.

export const TILE: i32 = 64;

/** Scratch bytes one thread needs: order, next order, node and singles per tile token; coefficients and rows per visit; four results. */
export function conditionalScratchBytes(trees: i32, depth: i32): i32 {
  return (4 * TILE + 2 * trees * (depth + 1) + 4) << 2;
}

@inline
export function at(base: usize, i: i32): usize {
  return base + (<usize>i << 2);
}

/**
 * One level of the tiled walk: each run of tokens at the same node (in `order`, sorted by
 * node) is split stably into `next`, left children first, so the tile stays ordered by
 * node; each token's visited node is recorded and `cur` moves it to its child (a logit
 * > 0 goes right). Shared by the fp32 and q8 walks, which differ only in how a logit is made.
 */
@inline
export function partitionByChild(order: usize, next: usize, cur: usize, count: i32, base: i32, logits: usize, nodes: usize, first: i32, stride: i32): void {
  let g = 0;
  while (g < count) {
    const node = load<i32>(at(cur, load<i32>(at(order, g))));
    let g1 = g + 1;
    while (g1 < count && load<i32>(at(cur, load<i32>(at(order, g1)))) == node) g1++;
    const left = base + 2 * (node - base) + 1;
    let put = g;
    for (let right = 0; right < 2; right++) {
      for (let r = g; r < g1; r++) {
        const s = load<i32>(at(order, r));
        const e = <usize>(first + s * stride);
        if (<i32>(load<f32>(logits + e) > 0) != right) continue;
        store<i32>(nodes + e, node);
        store<i32>(at(cur, s), left + right);
        store<i32>(at(next, put), s);
        put++;
      }
    }
    g = g1;
  }
}

/**
 * Tokens [b0, b1) of a batch. Layouts (byte addresses): wIn [N, hv] and wOutT [N, ov]
 * rows of f32x4 vectors, bIn [N] f32, x [B, hv], y [B, ov], nodes i32 and logits f32
 * [B, trees, depth + 1].
 */
export function conditionalTokens(
  wIn: usize,
  bIn: usize,
  wOutT: usize,
  hv: i32,
  ov: i32,
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
  const rowBytes = <usize>hv << 4;
  const outBytes = <usize>ov << 4;
  let order = scratch;
  let next = at(order, TILE);
  const cur = at(next, TILE);
  const singles = at(cur, TILE);
  const coef = at(singles, TILE);
  const rows = at(coef, visits);
  const out = at(rows, visits);

  for (let t0 = b0; t0 < b1; t0 += TILE) {
    const count = min(TILE, b1 - t0);
    const xt = x + <usize>t0 * rowBytes;
    for (let t = 0; t < trees; t++) {
      const base = t * n;
      for (let s = 0; s < count; s++) {
        store<i32>(at(order, s), s);
        store<i32>(at(cur, s), base);
      }
      for (let l = 0; l < levels; l++) {
        // logit of token s (tile-local) at this level lives at logitAt(s)
        const first = ((t0 * trees + t) * levels + l) << 2;
        const stride = (trees * levels) << 2;
        let lone = 0;
        let g = 0;
        while (g < count) {
          const node = load<i32>(at(cur, load<i32>(at(order, g))));
          let g1 = g + 1;
          while (g1 < count && load<i32>(at(cur, load<i32>(at(order, g1)))) == node) g1++;
          const w = wIn + <usize>node * rowBytes;
          const bias = load<f32>(at(bIn, node));
          let q = g;
          for (; q + 4 <= g1; q += 4) {
            const s0 = load<i32>(at(order, q));
            const s1 = load<i32>(at(order, q + 1));
            const s2 = load<i32>(at(order, q + 2));
            const s3 = load<i32>(at(order, q + 3));
            dotShared4(xt + <usize>s0 * rowBytes, xt + <usize>s1 * rowBytes, xt + <usize>s2 * rowBytes, xt + <usize>s3 * rowBytes, w, hv, out);
            store<f32>(logits + <usize>(first + s0 * stride), load<f32>(out) + bias);
            store<f32>(logits + <usize>(first + s1 * stride), load<f32>(out, 4) + bias);
            store<f32>(logits + <usize>(first + s2 * stride), load<f32>(out, 8) + bias);
            store<f32>(logits + <usize>(first + s3 * stride), load<f32>(out, 12) + bias);
          }
          if (q + 2 <= g1) {
            const s0 = load<i32>(at(order, q));
            const s1 = load<i32>(at(order, q + 1));
            dotShared2(xt + <usize>s0 * rowBytes, xt + <usize>s1 * rowBytes, w, hv, out);
            store<f32>(logits + <usize>(first + s0 * stride), load<f32>(out) + bias);
            store<f32>(logits + <usize>(first + s1 * stride), load<f32>(out, 4) + bias);
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
          dotPair(xt + <usize>s0 * rowBytes, wIn + <usize>n0 * rowBytes, xt + <usize>s1 * rowBytes, wIn + <usize>n1 * rowBytes, hv, out);
          store<f32>(logits + <usize>(first + s0 * stride), load<f32>(out) + load<f32>(at(bIn, n0)));
          store<f32>(logits + <usize>(first + s1 * stride), load<f32>(out, 4) + load<f32>(at(bIn, n1)));
        }
        if (q < lone) {
          const s0 = load<i32>(at(singles, q));
          const n0 = load<i32>(at(cur, s0));
          store<f32>(logits + <usize>(first + s0 * stride), dot(xt + <usize>s0 * rowBytes, wIn + <usize>n0 * rowBytes, hv) + load<f32>(at(bIn, n0)));
        }
        partitionByChild(order, next, cur, count, base, logits, nodes, first, stride);
        const swap = order;
        order = next;
        next = swap;
      }
    }
    // Walk tokens in leaf order (the order of the last tree): neighbours share their
    // upper rows of wOut^T, and lower rows come in increasing address order.
    for (let r = 0; r < count; r++) {
      const b = t0 + load<i32>(at(order, r));
      const e0 = <usize>(b * visits) << 2;
      for (let q = 0; q < visits; q++) {
        const e = e0 + (<usize>q << 2);
        store<f32>(at(coef, q), <f32>gelu(<f64>load<f32>(logits + e)));
        store<u32>(at(rows, q), <u32>(wOutT + <usize>load<i32>(nodes + e) * outBytes));
      }
      sumScaledRows(coef, rows, visits, ov, y + <usize>b * outBytes);
    }
  }
}
