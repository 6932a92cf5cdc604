import { describe, expect, it } from 'vitest';
import { gelu, geluDerivative } from './gelu-math.js';
import { geluDerivativeFast, geluFast } from './gelu-table.js';

describe('table GELU', () => {
  it('matches the float64 series GELU of @ufbert/tensor', () => {
    let worstGelu = 0;
    let worstDerivative = 0;
    for (let z = -12; z <= 12; z += 1 / 1024 + 1e-7) {
      worstGelu = Math.max(worstGelu, Math.abs(geluFast(z) - gelu(z)) / Math.max(1, Math.abs(z)));
      worstDerivative = Math.max(worstDerivative, Math.abs(geluDerivativeFast(z) - geluDerivative(z)));
    }
    expect(worstGelu).toBeLessThan(1e-12);
    expect(worstDerivative).toBeLessThan(1e-9);
  });

  it('is exact at the ends and keeps NaN', () => {
    expect(geluFast(0)).toBe(0);
    expect(geluFast(20)).toBe(20);
    expect(geluFast(-20)).toBe(-0);
    expect(geluDerivativeFast(20)).toBe(1);
    expect(geluDerivativeFast(-20)).toBe(0);
    expect(geluFast(NaN)).toBeNaN();
    expect(geluDerivativeFast(NaN)).toBeNaN();
    expect(geluFast(Infinity)).toBe(Infinity);
  });
});
