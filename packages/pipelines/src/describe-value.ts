import { excerpt } from '@ufbert/tensor';

/**
 * A value as an error message names it: a short string quoted, anything else by its kind
 * (`null`, `a number (3)`, `an ArrayBuffer`), never through String() or JSON.stringify, which
 * throw on an object without a prototype or on a BigInt.
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `'${excerpt(value)}'`;
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return `a ${typeof value} (${String(value)})`;
  if (typeof value !== 'object') return `a ${typeof value}`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  const name = (Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null)?.constructor?.name;
  return typeof name === 'string' && name !== 'Object' ? `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}` : 'an object';
}
