import { describe, expect, it } from 'vitest';
import { formatSeconds, measure, measureInterleaved, median } from './measure.js';

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

describe('measureInterleaved', () => {
  it('times every call once per round, in alternating order, until each has spent the budget', async () => {
    const order: string[] = [];
    const [a, b] = await measureInterleaved(
      [
        () => {
          order.push('a');
          return busyWait(2);
        },
        () => {
          order.push('b');
          return busyWait(4);
        },
      ],
      { budgetS: 0.012, minSamples: 2, maxSamples: 10 },
    );
    expect(order.slice(0, 6)).toEqual(['a', 'b', 'b', 'a', 'a', 'b']);
    // b reaches 12 ms in about 3 rounds, a in about 6: the rounds go on until both have.
    const sum = (xs: number[]) => xs.reduce((x, y) => x + y, 0);
    expect(a.samples).toBe(b.samples);
    expect(sum(a.perCallS)).toBeGreaterThanOrEqual(0.012);
    expect(sum(a.perCallS) - a.perCallS[a.samples - 1]).toBeLessThan(0.012);
    expect(a.medianS).toBeGreaterThanOrEqual(0.002);
    expect(b.medianS).toBeGreaterThan(a.medianS);
    expect(a.callsPerSample).toBe(1);
  });

  it('stops at maxSamples and times at least minSamples rounds', async () => {
    const [slow] = await measureInterleaved([() => busyWait(3)], { budgetS: 1, minSamples: 1, maxSamples: 2 });
    expect(slow.samples).toBe(2);
    const [fast] = await measureInterleaved([() => undefined], { budgetS: 0, minSamples: 4, maxSamples: 9 });
    expect(fast.samples).toBe(4);
  });
});
