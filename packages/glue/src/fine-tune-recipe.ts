import { GlueError } from './errors.js';

/** The knobs of a fine-tuning run, named as the reference's `impl`/`optim` configs where they exist. */
export interface FineTuneRecipe {
  /** Peak learning rate of AdamW. */
  lr: number;
  betas: [number, number];
  eps: number;
  /** Decoupled weight decay (none on norms and biases). */
  weightDecay: number;
  batchSize: number;
  epochs: number;
  /** Share of the steps spent warming up linearly, before the cosine decay to 0. */
  warmupFraction: number;
  /** Sequences are cut to this many tokens. */
  maxLength: number;
  /** Dropout in the encoder and the head while fine-tuning. */
  dropout: number;
  pooler: 'zero_index' | 'avg';
  headDim: number;
  headNonlinearity: 'Tanh';
  seed: number;
}

/**
 * The reference's `GLUE_sane` recipe: AdamW lr 4e-5, betas 0.9/0.98, eps 1e-6, no weight
 * decay, batch 16, 5 epochs, cosine decay after 10% warmup, max length 128, dropout 0.1,
 * pooler zero_index with a 1024-wide Tanh head. Regression tasks (STS-B) use MSE.
 */
export const GLUE_SANE: Readonly<FineTuneRecipe> = Object.freeze({
  lr: 4e-5,
  betas: [0.9, 0.98] as [number, number],
  eps: 1e-6,
  weightDecay: 0,
  batchSize: 16,
  epochs: 5,
  warmupFraction: 0.1,
  maxLength: 128,
  dropout: 0.1,
  pooler: 'zero_index' as const,
  headDim: 1024,
  headNonlinearity: 'Tanh' as const,
  seed: 0,
});

/** The recipe for a task: GLUE_sane (one setting for every task, as the reference's GLUE_sane), then the caller's overrides. */
export function recipeFor(task: string, overrides: Partial<FineTuneRecipe> = {}): FineTuneRecipe {
  const recipe: FineTuneRecipe = { ...GLUE_SANE, betas: [...GLUE_SANE.betas], ...overrides };
  const problems: string[] = [];
  const positive = (name: keyof FineTuneRecipe) => {
    const v = recipe[name] as number;
    if (!(typeof v === 'number' && v > 0 && Number.isFinite(v))) problems.push(`${name} must be a positive number, got ${String(v)}`);
  };
  positive('lr');
  positive('eps');
  positive('batchSize');
  positive('epochs');
  positive('maxLength');
  if (!Number.isInteger(recipe.batchSize) || !Number.isInteger(recipe.epochs) || !Number.isInteger(recipe.maxLength)) {
    problems.push(`batchSize, epochs and maxLength must be integers, got ${recipe.batchSize}, ${recipe.epochs}, ${recipe.maxLength}`);
  }
  if (!(recipe.warmupFraction >= 0 && recipe.warmupFraction < 1)) problems.push(`warmupFraction must be in [0, 1), got ${recipe.warmupFraction}`);
  if (!(recipe.dropout >= 0 && recipe.dropout < 1)) problems.push(`dropout must be in [0, 1), got ${recipe.dropout}`);
  if (!(recipe.weightDecay >= 0)) problems.push(`weightDecay must be >= 0, got ${recipe.weightDecay}`);
  if (problems.length) throw new GlueError(`invalid fine-tuning recipe for ${task}: ${problems.join('; ')}`);
  return recipe;
}

/** Linear warmup to `peak`, then cosine decay to 0 (step counts from 0). */
export function cosineWithWarmup(step: number, totalSteps: number, peak: number, warmupFraction: number): number {
  const warmup = Math.floor(totalSteps * warmupFraction);
  if (step < warmup) return (peak * (step + 1)) / warmup;
  const progress = Math.min(1, (step - warmup) / Math.max(1, totalSteps - warmup));
  return 0.5 * peak * (1 + Math.cos(Math.PI * progress));
}
