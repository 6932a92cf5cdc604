import { describe, expect, it } from 'vitest';
import { formatSeconds, measure, median } from './measure.js';

function busyWait(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

describe('median', () => {
  it('takes the middle value, or the mean of the two middle values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow(RangeError);
  });
});

describe('measure', () => {
  it('warms up, then times samples of several calls when a call is short', async () => {
    let calls = 0;
    const m = await measure(() => void calls++, { budgetS: 0.02, minSampleS: 0.001 });
    expect(m.warmupCalls).toBeGreaterThanOrEqual(2);
    expect(m.callsPerSample).toBeGreaterThan(1);
    expect(m.samples).toBeGreaterThanOrEqual(3);
    expect(m.minS).toBeLessThanOrEqual(m.medianS);
    expect(m.medianS).toBeLessThanOrEqual(m.maxS);
    expect(calls).toBe(m.warmupCalls + m.samples * m.callsPerSample);
    expect(m.capped).toBeUndefined();
  });

  it('awaits calls that return a promise', async () => {
    const m = await measure(() => new Promise((resolve) => setTimeout(resolve, 2)), { budgetS: 0.03 });
    expect(m.medianS).toBeGreaterThanOrEqual(0.0015);
  });

  it('caps the repetitions of a call longer than the budget and says so', async () => {
    const m = await measure(() => busyWait(6), { budgetS: 0.005 });
    expect(m.samples).toBeLessThanOrEqual(2);
    expect(m.warmupCalls).toBe(0);
    expect(m.capped).toMatch(/repetitions capped at \d: one call takes [\d.]+ ms, over the 5.00 ms budget/);
  });

  it('formats seconds for notes', () => {
    expect(formatSeconds(14.2)).toBe('14.20 s');
    expect(formatSeconds(0.0123)).toBe('12.3 ms');
  });
});
