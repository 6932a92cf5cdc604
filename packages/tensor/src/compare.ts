/**
 * max |actual - expected| / max |expected|: the parity measure of the reference fixtures
 * (float32 sums in another order differ in the last bits, so errors are read against the
 * tensor's scale). A length mismatch is Infinity; a NaN on one side only is NaN; NaN on
 * both sides agrees. Both fail any `<= tolerance` check except the last.
 */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Infinity;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    if (Number.isNaN(actual[i]) !== Number.isNaN(expected[i])) return NaN;
    if (Number.isNaN(expected[i])) continue;
    diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return scale === 0 ? diff : diff / scale;
}

/** What parity runners call per compared tensor. */
export type ParityReport = (caseName: string, tensorName: string, relErr: number) => void;
