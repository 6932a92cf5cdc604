import { describe, expect, it } from 'vitest';
import { seededRandom, seededShuffle, splitTrainDev } from './index.js';

const items = Array.from({ length: 103 }, (_, i) => ({ id: i, label: i % 3 === 0 ? 1 : 0 }));

describe('seeded split', () => {
  it('draws the same floats in [0, 1) for the same seed', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const draws = Array.from({ length: 1000 }, () => a());
    expect(draws).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    expect(seededRandom(43)()).not.toBe(seededRandom(42)());
  });

  it('shuffles to a permutation, fixed by the seed', () => {
    const values = Array.from({ length: 50 }, (_, i) => i);
    const shuffled = seededShuffle(values, 7);
    expect([...shuffled].sort((x, y) => x - y)).toEqual(values);
    expect(shuffled).not.toEqual(values);
    expect(seededShuffle(values, 7)).toEqual(shuffled);
    expect(seededShuffle(values, 8)).not.toEqual(shuffled);
  });

  it('splits into disjoint train and dev covering everything, 20% of each class in dev', () => {
    const { train, dev } = splitTrainDev(items, { seed: 3 });
    const trainIds = new Set(train.map((item) => item.id));
    expect(dev.filter((item) => trainIds.has(item.id))).toEqual([]);
    expect(train.length + dev.length).toBe(items.length);
    const positives = items.filter((item) => item.label === 1).length;
    expect(dev.filter((item) => item.label === 1)).toHaveLength(Math.round(positives * 0.2));
    expect(dev.filter((item) => item.label === 0)).toHaveLength(Math.round((items.length - positives) * 0.2));
  });

  it('gives the same split for the same seed and another for another seed', () => {
    expect(splitTrainDev(items, { seed: 3 })).toEqual(splitTrainDev(items, { seed: 3 }));
    expect(splitTrainDev(items, { seed: 4 }).dev).not.toEqual(splitTrainDev(items, { seed: 3 }).dev);
  });

  it('rejects a dev fraction outside (0, 1)', () => {
    expect(() => splitTrainDev(items, { devFraction: 1 })).toThrow('expected a dev fraction between 0 and 1 (exclusive), got 1');
  });
});
