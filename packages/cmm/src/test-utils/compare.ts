import { expect } from 'vitest';

/**
 * Asserts max |actual - expected| <= tolerance * max |expected|, with NaN exactly where
 * the reference has NaN. Reports the worst element.
 */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  let maxRef = 0;
  for (let i = 0; i < expected.length; i++) if (Number.isFinite(expected[i])) maxRef = Math.max(maxRef, Math.abs(expected[i]));
  let worst = -1;
  let worstDiff = 0;
  for (let i = 0; i < expected.length; i++) {
    if (Number.isNaN(expected[i]) || Number.isNaN(actual[i])) {
      if (Number.isNaN(expected[i]) !== Number.isNaN(actual[i])) {
        expect.fail(`${what}[${i}]: got ${actual[i]}, expected ${expected[i]}`);
      }
      continue;
    }
    const diff = Math.abs(actual[i] - expected[i]);
    if (!(diff <= worstDiff)) {
      worstDiff = diff;
      worst = i;
    }
  }
  const bound = tolerance * maxRef + 1e-30;
  if (!(worstDiff <= bound)) {
    expect.fail(
      `${what}[${worst}]: got ${actual[worst]}, expected ${expected[worst]} (|diff| ${worstDiff.toExponential(3)} > ${tolerance} * max|ref| ${maxRef.toExponential(3)})`,
    );
  }
}

/** Asserts the same length and the same bits (NaN equals NaN), fast on large typed arrays. */
export function expectIdentical(actual: Float32Array | Int32Array, expected: Float32Array | Int32Array, what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  const a = new Int32Array(actual.buffer, actual.byteOffset, actual.length);
  const b = new Int32Array(expected.buffer, expected.byteOffset, expected.length);
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) expect.fail(`${what}[${i}]: got ${actual[i]}, expected ${expected[i]}`);
  }
}
