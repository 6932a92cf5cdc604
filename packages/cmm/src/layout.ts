/** Row-major [rows, cols] -> [cols, rows]. */
export function transpose(values: Float32Array, rows: number, cols: number, out = new Float32Array(rows * cols)): Float32Array {
  // Blocks of 32x32 keep both the reads and the writes inside a few cache lines.
  const block = 32;
  for (let r0 = 0; r0 < rows; r0 += block) {
    const r1 = Math.min(rows, r0 + block);
    for (let c0 = 0; c0 < cols; c0 += block) {
      const c1 = Math.min(cols, c0 + block);
      for (let r = r0; r < r1; r++) {
        const src = r * cols;
        for (let c = c0; c < c1; c++) out[c * rows + r] = values[src + c];
      }
    }
  }
  return out;
}
