/** One comparison the page made. */
export interface CheckResult {
  readonly name: string;
  readonly ok: boolean;
  /** The measured error, or why the check failed. */
  readonly detail: string;
}

/** What the page leaves in `window.ufbertReport` when it is done. */
export interface PageReport {
  /** The backend and adapter, as @ufbert/tensor's describeBackend() names them. */
  readonly adapter?: string;
  readonly checks: readonly CheckResult[];
  /** Set when the page could not run its checks at all (no WebGPU, a thrown error). */
  readonly error?: string;
}

declare global {
  interface Window {
    ufbertReport?: PageReport;
  }
}

/** A check that passes when `error` is at most `tolerance`. */
export function withinTolerance(name: string, error: number, tolerance: number): CheckResult {
  return { name, ok: error <= tolerance, detail: `relative error ${error.toExponential(2)} (tolerance ${tolerance})` };
}

export function sameValues(name: string, actual: ArrayLike<number>, expected: ArrayLike<number>): CheckResult {
  const ok = actual.length === expected.length && Array.from(actual).every((v, i) => Object.is(v, expected[i]));
  return { name, ok, detail: ok ? `${actual.length} values identical` : 'values differ' };
}
