// Scalar GELU in float64, the exact erf form PyTorch uses by default
// (torch.nn.functional.gelu(approximate='none')): 0.5 z (1 + erf(z / sqrt 2)).

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const INV_SQRT_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 0.3989422804014327;

/**
 * erf to about 1e-15 absolute: its Maclaurin series below |x| = 2.5 (at most
 * ~60 terms, cancellation costs under 3 digits there), the continued fraction of
 * erfc above (Lentz's method), and +/-1 past |x| = 6 where erfc < 2e-17.
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const a = Math.abs(x);
  if (a >= 6) return x > 0 ? 1 : -1;
  if (a < 2.5) {
    const x2 = x * x;
    let term = x;
    let sum = x;
    for (let n = 1; n < 100; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return TWO_OVER_SQRT_PI * sum;
  }
  const r = erfcContinuedFraction(a);
  return x > 0 ? 1 - r : r - 1;
}

// erfc(a) = exp(-a^2)/sqrt(pi) * 1/(a + (1/2)/(a + 1/(a + (3/2)/(a + 2/(a + ...))))), a > 0.
function erfcContinuedFraction(a: number): number {
  const tiny = 1e-300;
  let f = a;
  let c = a;
  let d = 0;
  for (let n = 1; n < 200; n++) {
    const an = n / 2;
    d = a + an * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = a + an / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-a * a) / (Math.sqrt(Math.PI) * f);
}

/** GELU(z) = 0.5 z (1 + erf(z / sqrt 2)). */
export function gelu(z: number): number {
  return 0.5 * z * (1 + erf(z * INV_SQRT_2));
}

/** d GELU / dz = Phi(z) + z phi(z). */
export function geluDerivative(z: number): number {
  return 0.5 * (1 + erf(z * INV_SQRT_2)) + z * INV_SQRT_2PI * Math.exp(-0.5 * z * z);
}
