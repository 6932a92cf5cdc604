import { describe, expect, it } from 'vitest';
import { accumulationStepsAt, budgetProgress, budgetTriangle2, learningRateAt } from './schedules.js';

describe('budgetTriangle2', () => {
  it('starts at 25% of the peak, peaks at 75% of the budget and ends at 0', () => {
    expect(budgetTriangle2(0)).toBe(0.25);
    expect(budgetTriangle2(0.375)).toBeCloseTo(0.625, 12);
    expect(budgetTriangle2(0.75)).toBe(1);
    expect(budgetTriangle2(0.875)).toBeCloseTo(0.5, 12);
    expect(budgetTriangle2(1)).toBe(0);
    expect(budgetTriangle2(1.5)).toBe(0);
    expect(learningRateAt('budget-triangle2', 1e-3, 0.75)).toBe(1e-3);
  });
});

describe('accumulationStepsAt', () => {
  const ramp = { microBatchSize: 128, finalBatchSize: 8192 };
  it('grows the batch linearly from one microbatch to the final size at 60% of the budget', () => {
    expect(accumulationStepsAt(ramp, 0)).toBe(1);
    expect(accumulationStepsAt(ramp, 0.3)).toBe(Math.round(1 + 63 * 0.5));
    expect(accumulationStepsAt(ramp, 0.6)).toBe(64);
    expect(accumulationStepsAt(ramp, 0.99)).toBe(64);
    const steps = Array.from({ length: 101 }, (_, i) => accumulationStepsAt(ramp, i / 100));
    expect(steps.every((s, i) => i === 0 || s >= steps[i - 1])).toBe(true);
  });

  it('stays at one microbatch when the final batch is one microbatch, and jumps without a ramp', () => {
    expect(accumulationStepsAt({ microBatchSize: 8, finalBatchSize: 8 }, 0.5)).toBe(1);
    expect(accumulationStepsAt({ microBatchSize: 8, finalBatchSize: 32, rampFraction: 0 }, 0)).toBe(4);
  });
});

describe('budgetProgress', () => {
  it('measures steps or minutes', () => {
    expect(budgetProgress({ steps: 200 }, { step: 50, elapsedMs: 1e9 })).toBe(0.25);
    expect(budgetProgress({ minutes: 2 }, { step: 1e6, elapsedMs: 30_000 })).toBe(0.25);
    expect(budgetProgress({ steps: 10 }, { step: 12, elapsedMs: 0 })).toBe(1);
  });
});
