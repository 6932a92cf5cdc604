import { OnnxExportError } from './errors.js';

/** Symmetric int8 values and the float scales that map them back: value ~ q * scale. */
export interface QuantizedMatrix {
  values: Int8Array;
  /** One scale per row or per column, as the function that made it says. */
  scales: Float32Array;
}

/** Symmetric int8 range: -127..127, so the scale is max|v| / 127 and negation is exact (as onnxruntime's int8 weights). */
const QMAX = 127;

/** A weight that cannot be quantized (NaN, Inf) is an export error naming it, not a silently broken graph. */
export function checkFinite(name: string, data: Float32Array): void {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) throw new OnnxExportError(`cannot quantize ${name} to int8: expected finite values, got ${data[i]} at index ${i}`);
  }
}

function scaleFor(maxAbs: number): number {
  // An all-zero row quantizes to zeros under any scale; 1 keeps every scale positive and finite.
  return maxAbs > 0 ? maxAbs / QMAX : 1;
}

function quantizeValue(v: number, scale: number): number {
  return Math.max(-QMAX, Math.min(QMAX, Math.round(v / scale)));
}

/** `data` [rows, cols] with one scale per row: a table whose rows are gathered (FFF nodes, word embeddings). */
export function quantizeRows(name: string, data: Float32Array, rows: number, cols: number): QuantizedMatrix {
  checkFinite(name, data);
  const values = new Int8Array(rows * cols);
  const scales = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let maxAbs = 0;
    for (let c = 0; c < cols; c++) maxAbs = Math.max(maxAbs, Math.abs(data[r * cols + c]));
    const scale = (scales[r] = scaleFor(maxAbs));
    for (let c = 0; c < cols; c++) values[r * cols + c] = quantizeValue(data[r * cols + c], scale);
  }
  return { values, scales };
}

/** `data` [rows, cols] with one scale per column: a MatMul's right operand [in, out], one scale per output channel. */
export function quantizeColumns(name: string, data: Float32Array, rows: number, cols: number): QuantizedMatrix {
  checkFinite(name, data);
  const maxAbs = new Float32Array(cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) maxAbs[c] = Math.max(maxAbs[c], Math.abs(data[r * cols + c]));
  const scales = maxAbs.map(scaleFor);
  const values = new Int8Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) values[r * cols + c] = quantizeValue(data[r * cols + c], scales[c]);
  return { values, scales };
}
