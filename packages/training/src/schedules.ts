/** How long a run trains: a number of optimiser steps, or wall-clock minutes. */
export type TrainingBudget = { steps: number } | { minutes: number };

/** Learning-rate schedules, as multipliers of the peak rate over budget progress in [0, 1]. */
export const LEARNING_RATE_SCHEDULES = ['budget-triangle2'] as const;
export type LearningRateSchedule = (typeof LEARNING_RATE_SCHEDULES)[number];

/** Share of the peak rate the triangle starts at. */
const TRIANGLE_BASE = 0.25;
/** Budget progress at which the triangle peaks. */
const TRIANGLE_PEAK_AT = 0.75;

/**
 * crammedBERT's `budget-triangle2`: 25% of the peak at the start, rising linearly to the peak
 * at 75% of the budget, then falling linearly to 0 at the end.
 */
export function budgetTriangle2(progress: number): number {
  const p = Math.min(1, Math.max(0, progress));
  if (p < TRIANGLE_PEAK_AT) return TRIANGLE_BASE + ((1 - TRIANGLE_BASE) * p) / TRIANGLE_PEAK_AT;
  return (1 - p) / (1 - TRIANGLE_PEAK_AT);
}

export function learningRateAt(schedule: LearningRateSchedule, peakLearningRate: number, progress: number): number {
  switch (schedule) {
    case 'budget-triangle2':
      return peakLearningRate * budgetTriangle2(progress);
  }
}

export interface BatchSizeRamp {
  /** Sequences per forward/backward pass. */
  microBatchSize: number;
  /** Sequences per optimiser step once the ramp is done. */
  finalBatchSize: number;
  /** Budget progress at which the final batch size is reached. Default 0.6. */
  rampFraction?: number;
}

/**
 * Microbatches accumulated into one optimiser step: the batch grows linearly from one
 * microbatch to `finalBatchSize` until `rampFraction` of the budget, rounded to whole
 * microbatches, and stays there.
 */
export function accumulationStepsAt(ramp: BatchSizeRamp, progress: number): number {
  const { microBatchSize, finalBatchSize, rampFraction = 0.6 } = ramp;
  const finalSteps = Math.max(1, Math.round(finalBatchSize / microBatchSize));
  const reached = rampFraction <= 0 ? 1 : Math.min(1, Math.max(0, progress) / rampFraction);
  return Math.max(1, Math.min(finalSteps, Math.round(1 + (finalSteps - 1) * reached)));
}

/** Budget used, in [0, 1]: steps done over steps allowed, or minutes elapsed over minutes allowed. */
export function budgetProgress(budget: TrainingBudget, done: { step: number; elapsedMs: number }): number {
  const used = 'steps' in budget ? done.step / budget.steps : done.elapsedMs / (budget.minutes * 60_000);
  return Math.min(1, Math.max(0, used));
}
