import { checkAdamWOptions } from './adamw.js';
import { TrainingConfigError } from './errors.js';
import { checkMaskingOptions } from './masking.js';
import { LEARNING_RATE_SCHEDULES, type LearningRateSchedule, type TrainingBudget } from './schedules.js';

/** Every setting of a pretraining run. JSON-serialisable; recorded in each checkpoint. */
export interface TrainingConfig {
  /** How long to train. Required: a step budget is reproducible, a time budget is not. */
  budget: TrainingBudget;
  /** Tokens per packed sequence, [CLS] and [SEP] included. */
  sequenceLength: number;
  /** Sequences per forward/backward pass. */
  microBatchSize: number;
  /** Sequences per optimiser step once the batch-size ramp is done (a multiple of microBatchSize). */
  finalBatchSize: number;
  /** Budget progress at which the batch reaches finalBatchSize. */
  batchSizeRampFraction: number;
  schedule: LearningRateSchedule;
  peakLearningRate: number;
  adamW: { beta1: number; beta2: number; epsilon: number; weightDecay: number };
  /** Global gradient-norm clip; null turns clipping off. */
  maxGradNorm: number | null;
  masking: { rate: number; maskTokenFraction: number; randomTokenFraction: number };
  /** Share of the packed sequences held out for the validation loss. */
  validationFraction: number;
  /** Seeds the split, the epoch orders and the masks (the model seeds its own init). */
  seed: number;
  /** Wall-clock minutes between checkpoints (one is always written at the end). */
  checkpointEveryMinutes: number;
  /** Also checkpoint every this many steps; null for time-based checkpoints only. */
  checkpointEverySteps: number | null;
  /** Complete checkpoints kept; older ones are deleted once a newer one is complete. */
  keepCheckpoints: number;
  /** Validation loss every this many steps (and at the end); null for the end only. */
  validateEverySteps: number | null;
}

/** A config as a caller writes it: the budget, and any defaults to override. */
export type TrainingConfigInput = Partial<Omit<TrainingConfig, 'adamW' | 'masking'>> & {
  budget: TrainingBudget;
  adamW?: Partial<TrainingConfig['adamW']>;
  masking?: Partial<TrainingConfig['masking']>;
};

/** The crammedBERT recipe (reference `train_bert` settings) without a budget. */
export const DEFAULT_TRAINING_CONFIG: Readonly<Omit<TrainingConfig, 'budget'>> = Object.freeze({
  sequenceLength: 128,
  microBatchSize: 128,
  finalBatchSize: 8192,
  batchSizeRampFraction: 0.6,
  schedule: 'budget-triangle2',
  peakLearningRate: 1e-3,
  adamW: Object.freeze({ beta1: 0.9, beta2: 0.98, epsilon: 1e-12, weightDecay: 0.01 }),
  maxGradNorm: 0.5,
  masking: Object.freeze({ rate: 0.25, maskTokenFraction: 0.8, randomTokenFraction: 0.1 }),
  validationFraction: 0.01,
  seed: 0,
  checkpointEveryMinutes: 30,
  checkpointEverySteps: null,
  keepCheckpoints: 1,
  validateEverySteps: null,
});

const KNOWN_KEYS = new Set<string>(['budget', ...Object.keys(DEFAULT_TRAINING_CONFIG)]);

const isPositiveInteger = (v: unknown): v is number => Number.isInteger(v) && (v as number) > 0;

/**
 * Fills in defaults and checks every setting, throwing one TrainingConfigError that lists all
 * problems (unknown keys included, to catch typos).
 */
export function resolveTrainingConfig(input: TrainingConfigInput): TrainingConfig {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new TrainingConfigError([`expected a config object, got ${JSON.stringify(input)}`]);
  const given = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) as TrainingConfigInput;
  const config: TrainingConfig = {
    ...DEFAULT_TRAINING_CONFIG,
    ...given,
    adamW: { ...DEFAULT_TRAINING_CONFIG.adamW, ...input.adamW },
    masking: { ...DEFAULT_TRAINING_CONFIG.masking, ...input.masking },
  };
  const problems: string[] = [];
  for (const key of Object.keys(given)) if (!KNOWN_KEYS.has(key)) problems.push(`unknown setting '${key}'`);
  const budget = config.budget as Partial<{ steps: unknown; minutes: unknown }> | undefined;
  if (typeof budget !== 'object' || budget === null) problems.push('budget is required: {steps: n} or {minutes: n}');
  else if ('steps' in budget === 'minutes' in budget) problems.push(`budget must have exactly one of steps or minutes, got ${JSON.stringify(budget)}`);
  else if ('steps' in budget && !isPositiveInteger(budget.steps)) problems.push(`budget.steps must be a positive integer, got ${budget.steps}`);
  else if ('minutes' in budget && !(typeof budget.minutes === 'number' && budget.minutes > 0 && Number.isFinite(budget.minutes))) {
    problems.push(`budget.minutes must be a positive number, got ${budget.minutes}`);
  }
  if (!Number.isInteger(config.sequenceLength) || config.sequenceLength < 3)
    problems.push(`sequenceLength must be an integer >= 3, got ${config.sequenceLength}`);
  if (!isPositiveInteger(config.microBatchSize)) problems.push(`microBatchSize must be a positive integer, got ${config.microBatchSize}`);
  if (!isPositiveInteger(config.finalBatchSize)) problems.push(`finalBatchSize must be a positive integer, got ${config.finalBatchSize}`);
  else if (isPositiveInteger(config.microBatchSize) && config.finalBatchSize % config.microBatchSize !== 0) {
    problems.push(`finalBatchSize ${config.finalBatchSize} must be a multiple of microBatchSize ${config.microBatchSize}`);
  }
  if (!(config.batchSizeRampFraction >= 0 && config.batchSizeRampFraction <= 1))
    problems.push(`batchSizeRampFraction must be in [0, 1], got ${config.batchSizeRampFraction}`);
  if (!(LEARNING_RATE_SCHEDULES as readonly string[]).includes(config.schedule)) {
    problems.push(`schedule must be one of ${LEARNING_RATE_SCHEDULES.join(', ')}, got ${JSON.stringify(config.schedule)}`);
  }
  if (!(config.peakLearningRate > 0 && Number.isFinite(config.peakLearningRate)))
    problems.push(`peakLearningRate must be a positive number, got ${config.peakLearningRate}`);
  problems.push(...checkAdamWOptions({ ...config.adamW, maxGradNorm: config.maxGradNorm }));
  problems.push(...checkMaskingOptions(config.masking));
  if (!(config.validationFraction >= 0 && config.validationFraction < 1))
    problems.push(`validationFraction must be in [0, 1), got ${config.validationFraction}`);
  if (!Number.isSafeInteger(config.seed) || config.seed < 0) problems.push(`seed must be a non-negative safe integer, got ${config.seed}`);
  if (!(config.checkpointEveryMinutes > 0)) problems.push(`checkpointEveryMinutes must be positive, got ${config.checkpointEveryMinutes}`);
  if (config.checkpointEverySteps !== null && !isPositiveInteger(config.checkpointEverySteps)) {
    problems.push(`checkpointEverySteps must be a positive integer or null, got ${config.checkpointEverySteps}`);
  }
  if (!isPositiveInteger(config.keepCheckpoints)) problems.push(`keepCheckpoints must be a positive integer, got ${config.keepCheckpoints}`);
  if (config.validateEverySteps !== null && !isPositiveInteger(config.validateEverySteps)) {
    problems.push(`validateEverySteps must be a positive integer or null, got ${config.validateEverySteps}`);
  }
  if (problems.length > 0) throw new TrainingConfigError(problems);
  return config;
}
