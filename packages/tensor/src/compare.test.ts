import { describe, expect, it } from 'vitest';
import { relativeError } from './compare.js';

describe('relativeError', () => {
  it('divides the largest difference by the largest reference magnitude', () => {
    expect(relativeError([1, 2.5, -4], [1, 2, -5])).toBeCloseTo(0.2);
    expect(relativeError([0.5, 0], [0, 0])).toBe(0.5);
  });
  it('fails on length mismatches and one-sided NaNs', () => {
    expect(relativeError([1], [1, 2])).toBe(Infinity);
    expect(relativeError([NaN, 1], [0, 1])).toBeNaN();
    expect(relativeError([NaN, 1], [NaN, 1])).toBe(0);
  });
});
