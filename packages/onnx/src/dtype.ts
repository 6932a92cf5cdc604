import { DtypeError } from './errors.js';

/**
 * The numeric form of an exported graph, in transformers.js's names. `fp32`: float32 weights
 * and products. `q8`: int8 weights, every dense product as onnxruntime's dynamic quantization
 * writes it (DynamicQuantizeLinear + MatMulInteger), the FFF tables int8 with a scale per node row.
 */
export type Dtype = 'fp32' | 'q8';

export const DTYPES: readonly Dtype[] = Object.freeze(['fp32', 'q8'] as const);

/**
 * `value` as a Dtype, or a DtypeError naming the accepted values. The check is by value
 * against DTYPES, never a property lookup, so 'toString' or '__proto__' are refused like any other word.
 */
export function parseDtype(value: unknown, what = 'dtype'): Dtype {
  if (typeof value === 'string' && (DTYPES as readonly string[]).includes(value)) return value as Dtype;
  throw new DtypeError(`expected ${what} one of ${DTYPES.map((d) => `'${d}'`).join(', ')}, got ${describe(value)}`);
}

/** A short, throw-free description of any value (String() throws on a null-prototype object). */
function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value.slice(0, 40)}'`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' || value === undefined || value === null) return String(value);
  return `a value of type ${typeof value}`;
}
