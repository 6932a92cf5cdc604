// Cache warming for a thread that would otherwise wait: it reads the rows a conditional
// call is sure to visit (the top levels of every tree) while the caller is still busy
// elsewhere, so that the call finds them in the shared cache instead of in memory.
// WebAssembly has no prefetch instruction; one load per cache line is the next best.

const LINE: usize = 64;

@inline
function touch(start: usize, bytes: usize, acc: i32): i32 {
  const end = start + bytes;
  for (let p = start; p < end; p += LINE) acc ^= load<i32>(p);
  return acc;
}

/**
 * Reads nodes [0, top) of each of `trees` trees of `n` nodes: their rows of wIn [N, hv]
 * and wOutT [N, ov] (f32x4 vectors) and their biases. The xor of what it read goes to
 * `sink`, so that the loads are not optimised away.
 */
export function touchTreeTops(wIn: usize, bIn: usize, wOutT: usize, hv: i32, ov: i32, trees: i32, n: i32, top: i32, sink: usize): void {
  const rowBytes = <usize>hv << 4;
  const outBytes = <usize>ov << 4;
  let acc: i32 = 0;
  for (let t = 0; t < trees; t++) {
    const first = <usize>(t * n);
    acc = touch(wIn + first * rowBytes, <usize>top * rowBytes, acc);
    acc = touch(wOutT + first * outBytes, <usize>top * outBytes, acc);
    acc = touch(bIn + (first << 2), <usize>top << 2, acc);
  }
  store<i32>(sink, acc);
}
