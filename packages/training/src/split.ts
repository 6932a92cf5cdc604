import { TrainingConfigError } from './errors.js';
import { selectSequences, type PackedSequences } from './packing.js';
import { derivedRng } from './seeds.js';

export interface SplitOptions {
  /** Share of the sequences held out for validation loss, in [0, 1). */
  validationFraction: number;
  seed: number;
}

export interface SequenceSplit {
  train: PackedSequences;
  validation: PackedSequences;
}

/**
 * Shuffles the sequences with the seed and holds out `round(validationFraction * count)`
 * of them (at least one when the fraction is positive) for validation; the same seed and
 * data always give the same split. At least one sequence stays for training.
 */
export function splitSequences(packed: PackedSequences, options: SplitOptions): SequenceSplit {
  const { validationFraction, seed } = options;
  if (!(validationFraction >= 0 && validationFraction < 1)) {
    throw new TrainingConfigError([`validationFraction must be in [0, 1), got ${validationFraction}`]);
  }
  if (packed.count < (validationFraction > 0 ? 2 : 1)) {
    throw new TrainingConfigError([
      `the corpus packs into ${packed.count} sequence(s) of ${packed.sequenceLength} tokens; training${validationFraction > 0 ? ' with a validation split' : ''} needs at least ${validationFraction > 0 ? 2 : 1}`,
    ]);
  }
  const order = derivedRng(seed, 'validation-split').shuffle(Array.from({ length: packed.count }, (_, i) => i));
  const held = validationFraction > 0 ? Math.min(packed.count - 1, Math.max(1, Math.round(validationFraction * packed.count))) : 0;
  return { validation: selectSequences(packed, order.slice(0, held)), train: selectSequences(packed, order.slice(held)) };
}
