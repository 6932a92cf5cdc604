import { describe, expect, it } from 'vitest';
import { erf, gelu, geluDerivative } from './gelu-math.js';

// Python's math.erf, float64.
const ERF_TABLE: Array<[number, number]> = [
  [-5.5, -0.9999999999999927],
  [-3.0, -0.9999779095030014],
  [-2.5, -0.999593047982555],
  [-1.2345, -0.9191623964135658],
  [-0.5, -0.5204998778130465],
  [-0.001, -0.0011283787909692365],
  [0.0, 0.0],
  [0.3, 0.3286267594591274],
  [0.9999, 0.8426592780487595],
  [1.0, 0.8427007929497149],
  [2.4999, 0.9995928300996666],
  [2.5, 0.999593047982555],
  [3.7, 0.9999998328489421],
  [5.9, 0.9999999999999999],
  [7.0, 1.0],
];

describe('erf (float64)', () => {
  it.each(ERF_TABLE)('erf(%d) matches math.erf to 1e-14', (x, expected) => {
    expect(Math.abs(erf(x) - expected)).toBeLessThan(1e-14);
  });
  it('is NaN for NaN', () => expect(erf(NaN)).toBeNaN());
});

describe('gelu (float64)', () => {
  it('derivative matches a central difference', () => {
    for (const z of [-4, -1.3, -0.2, 0, 0.7, 2.2, 5]) {
      const h = 1e-5;
      const numeric = (gelu(z + h) - gelu(z - h)) / (2 * h);
      expect(Math.abs(geluDerivative(z) - numeric)).toBeLessThan(1e-8);
    }
  });
  it('has the known value GELU(1) = 0.8413447460685429', () => {
    expect(Math.abs(gelu(1) - 0.8413447460685429)).toBeLessThan(1e-15);
  });
});
