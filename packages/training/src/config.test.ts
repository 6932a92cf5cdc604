import { describe, expect, it } from 'vitest';
import { DEFAULT_TRAINING_CONFIG, resolveTrainingConfig, type TrainingConfigInput } from './config.js';
import { TrainingConfigError } from './errors.js';

describe('resolveTrainingConfig', () => {
  it('fills in the crammedBERT recipe around the budget', () => {
    const config = resolveTrainingConfig({ budget: { minutes: 60 }, adamW: { weightDecay: 0 } });
    expect(config).toEqual({ ...DEFAULT_TRAINING_CONFIG, budget: { minutes: 60 }, adamW: { ...DEFAULT_TRAINING_CONFIG.adamW, weightDecay: 0 } });
    expect(config.adamW).toEqual({ beta1: 0.9, beta2: 0.98, epsilon: 1e-12, weightDecay: 0 });
    expect(config.masking.rate).toBe(0.25);
    expect(config.maxGradNorm).toBe(0.5);
    expect(resolveTrainingConfig({ budget: { steps: 3 }, maxGradNorm: undefined }).maxGradNorm).toBe(0.5);
  });

  it('lists every problem at once', () => {
    const bad = {
      budget: { steps: 1.5 },
      microBatchSize: 3,
      finalBatchSize: 10,
      schedule: 'cosine',
      peakLearningRate: -1,
      masking: { rate: 2 },
      seed: -1,
      checkpointEverySteps: 0,
      stepz: 3,
    } as unknown as TrainingConfigInput;
    const error = (() => {
      try {
        resolveTrainingConfig(bad);
      } catch (e) {
        return e as TrainingConfigError;
      }
    })();
    expect(error).toBeInstanceOf(TrainingConfigError);
    expect(error!.problems).toEqual([
      "unknown setting 'stepz'",
      'budget.steps must be a positive integer, got 1.5',
      'finalBatchSize 10 must be a multiple of microBatchSize 3',
      'schedule must be one of budget-triangle2, got "cosine"',
      'peakLearningRate must be a positive number, got -1',
      'masking.rate must be in (0, 1], got 2',
      'seed must be a non-negative safe integer, got -1',
      'checkpointEverySteps must be a positive integer or null, got 0',
    ]);
  });

  it('requires exactly one budget', () => {
    expect(() => resolveTrainingConfig({} as TrainingConfigInput)).toThrow(/budget is required/);
    expect(() => resolveTrainingConfig({ budget: { steps: 1, minutes: 1 } as never })).toThrow(/exactly one of steps or minutes/);
    expect(() => resolveTrainingConfig({ budget: { minutes: 0 } })).toThrow(/budget.minutes must be a positive number/);
  });
});
