import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../../../fixtures/index.js';
import { MetricInputError } from './errors.js';
import { accuracy, averageRanks, f1, matthewsCorrelation, pearson, spearman } from './index.js';

interface MetricsCase {
  kind: string;
  labels: number[];
  predictions: number[];
  accuracy?: number;
  f1?: number;
  matthews?: number;
  pearson?: number;
  spearman?: number;
}

const fixture = JSON.parse(readFileSync(fixturePath('metrics.json'), 'utf8')) as { source: string; cases: MetricsCase[] };

// Fixture field name -> our metric. Any other field would be a metric this suite does not check.
const checks = { accuracy, f1, matthews: matthewsCorrelation, pearson, spearman } as const;
const knownFields = new Set(['kind', 'labels', 'predictions', ...Object.keys(checks)]);

describe('metrics against scikit-learn and SciPy (fixtures/reference/metrics.json)', () => {
  it('reads the reference cases', () => {
    expect(fixture.source).toBe('scikit-learn 1.2.1 and SciPy 1.10.1');
    expect(fixture.cases.length).toBeGreaterThan(0);
  });

  it('names no field this suite would ignore', () => {
    for (const c of fixture.cases) {
      for (const field of Object.keys(c)) expect(knownFields, `${c.kind}: ${field}`).toContain(field);
    }
  });

  it('covers every kind of case', () => {
    expect(new Set(fixture.cases.map((c) => c.kind))).toEqual(
      new Set(['binary', 'binary_skewed', 'multiclass', 'regression', 'regression_ties', 'binary_constant_prediction']),
    );
  });

  fixture.cases.forEach((c, index) => {
    for (const [field, metric] of Object.entries(checks)) {
      const expected = c[field as keyof typeof checks];
      if (expected === undefined) continue;
      it(`case ${index} (${c.kind}, ${c.labels.length} samples): ${field} = ${expected}`, () => {
        expect(c.predictions).toHaveLength(c.labels.length);
        expect(Math.abs(metric(c.predictions, c.labels) - expected)).toBeLessThanOrEqual(1e-9);
      });
    }
  });
});

describe('metric conventions', () => {
  it('gives Matthews 0 for a constant prediction or constant labels', () => {
    expect(matthewsCorrelation([1, 1, 1, 1], [0, 1, 1, 0])).toBe(0);
    expect(matthewsCorrelation([0, 1, 1, 0], [2, 2, 2, 2])).toBe(0);
  });

  it('gives Matthews 1 and -1 for perfect and inverted binary predictions', () => {
    expect(matthewsCorrelation([0, 1, 1, 0], [0, 1, 1, 0])).toBe(1);
    expect(matthewsCorrelation([1, 0, 0, 1], [0, 1, 1, 0])).toBe(-1);
  });

  it('gives F1 0 when there is no positive prediction or no positive label', () => {
    expect(f1([0, 0, 0], [0, 1, 1])).toBe(0);
    expect(f1([1, 1, 0], [0, 0, 0])).toBe(0);
    expect(f1([0, 0], [0, 0])).toBe(0);
  });

  it('rejects F1 on labels other than 0 and 1', () => {
    expect(() => f1([0, 2], [0, 1])).toThrow(MetricInputError);
  });

  it('gives NaN correlations for a constant input, as SciPy does', () => {
    expect(pearson([1, 1, 1], [1, 2, 3])).toBeNaN();
    expect(spearman([1, 2, 3], [4, 4, 4])).toBeNaN();
  });

  it('ranks ties by their average rank', () => {
    expect(Array.from(averageRanks([10, 20, 10, 30, 20, 20]))).toEqual([1.5, 4, 1.5, 6, 4, 4]);
  });

  it('accepts typed arrays', () => {
    expect(accuracy(new Int32Array([0, 1, 2]), new Float32Array([0, 1, 1]))).toBeCloseTo(2 / 3, 15);
    expect(spearman(new Float32Array([1, 2, 3]), [3, 5, 9])).toBe(1);
  });

  it('says what is wrong with unusable inputs', () => {
    expect(() => accuracy([0, 1], [0])).toThrow('accuracy: expected as many predictions as labels, got 2 predictions and 1 labels');
    expect(() => accuracy([], [])).toThrow('accuracy: expected at least 1 prediction/label pairs, got 0');
    expect(() => pearson([1], [1])).toThrow('pearson: expected at least 2 prediction/label pairs, got 1');
    expect(() => matthewsCorrelation([0.5, 1], [0, 1])).toThrow('matthewsCorrelation: expected integer class ids, got prediction 0.5 and label 0 at index 0');
    expect(() => spearman([Number.NaN, 1], [0, 1])).toThrow(MetricInputError);
  });
});
