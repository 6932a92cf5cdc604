// Moving rows between host arrays and WASM memory, where rows are padded to whole
// f32x4 vectors. Padding is always written as zeros: a stale NaN there would turn
// 0 * NaN into NaN inside a dot product.

/** Floats per row once padded to whole vectors. */
export const padded = (width: number): number => Math.ceil(width / 4) * 4;

/** view[at + r * stride + j] = src[srcRow(r) * width + j], zero for width <= j < stride. */
export function writeRows(
  view: Float32Array,
  at: number,
  src: Float32Array,
  rows: number,
  width: number,
  stride: number,
  srcRow?: (r: number) => number,
): void {
  if (stride === width && !srcRow) {
    view.set(src.length === rows * width ? src : src.subarray(0, rows * width), at);
    return;
  }
  for (let r = 0; r < rows; r++) {
    const from = (srcRow ? srcRow(r) : r) * width;
    const to = at + r * stride;
    view.set(src.subarray(from, from + width), to);
    if (stride > width) view.fill(0, to + width, to + stride);
  }
}

/** out[r * width + j] = view[at + r * stride + j]; a new array unless `out` is given. */
export function readRows(view: Float32Array, at: number, rows: number, width: number, stride: number, out?: Float32Array): Float32Array {
  if (stride === width) {
    if (!out) return view.slice(at, at + rows * width);
    out.set(view.subarray(at, at + rows * width));
    return out;
  }
  out ??= new Float32Array(rows * width);
  for (let r = 0; r < rows; r++) out.set(view.subarray(at + r * stride, at + r * stride + width), r * width);
  return out;
}
