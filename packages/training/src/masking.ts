import type { Rng } from '@ufbert/tensor';
import { TrainingConfigError } from './errors.js';
import type { PackedSequences } from './packing.js';
import { specialIdTable, type MlmTokenizer } from './tokenizer.js';

/** Label of a position the loss ignores (PyTorch's CrossEntropyLoss ignore_index). */
export const IGNORE_LABEL = -100;

export interface MaskingOptions {
  /** Share of each sequence's maskable tokens that are predicted. Default 0.25. */
  rate?: number;
  /** Of the predicted tokens, the share replaced by [MASK]. Default 0.8. */
  maskTokenFraction?: number;
  /** Of the predicted tokens, the share replaced by a random ordinary token. Default 0.1; the rest stay unchanged. */
  randomTokenFraction?: number;
}

/** One batch ready for a model, as host arrays ([batchSize, sequenceLength], row-major). */
export interface MaskedBatch {
  readonly batchSize: number;
  readonly sequenceLength: number;
  /** Ids after masking. */
  readonly inputIds: Int32Array;
  /** 1 for a token, 0 for padding. */
  readonly attentionMask: Int32Array;
  /** The original id at predicted positions, IGNORE_LABEL elsewhere. */
  readonly labels: Int32Array;
  /** Flat indices (`row * sequenceLength + column`) of the predicted positions, ascending. */
  readonly maskedPositions: Int32Array;
  /** The original ids at `maskedPositions`. */
  readonly maskedTargets: Int32Array;
  /** Non-padding tokens in the batch. */
  readonly tokenCount: number;
}

export function checkMaskingOptions(options: MaskingOptions): string[] {
  const problems: string[] = [];
  const { rate = 0.25, maskTokenFraction = 0.8, randomTokenFraction = 0.1 } = options;
  if (!(rate > 0 && rate <= 1)) problems.push(`masking.rate must be in (0, 1], got ${rate}`);
  if (!(maskTokenFraction >= 0 && maskTokenFraction <= 1)) problems.push(`masking.maskTokenFraction must be in [0, 1], got ${maskTokenFraction}`);
  if (!(randomTokenFraction >= 0 && randomTokenFraction <= 1)) problems.push(`masking.randomTokenFraction must be in [0, 1], got ${randomTokenFraction}`);
  if (maskTokenFraction + randomTokenFraction > 1) {
    problems.push(`masking.maskTokenFraction + masking.randomTokenFraction must be at most 1, got ${maskTokenFraction} + ${randomTokenFraction}`);
  }
  return problems;
}

/** How many tokens of a sequence with `maskable` maskable tokens are predicted: round(rate * maskable), at least one when there is any. */
export function maskedCount(maskable: number, rate: number): number {
  return maskable === 0 ? 0 : Math.max(1, Math.round(rate * maskable));
}

/**
 * Masks the sequences at `rows` for masked-language modelling: in each, exactly
 * `maskedCount(maskable, rate)` positions are chosen uniformly among the maskable ones
 * (neither padding nor any special token); each chosen token becomes [MASK] with
 * probability 0.8, a random ordinary token with probability 0.1, or stays. Every draw comes
 * from `rng`, so a seeded Rng gives the same batch on every run and backend.
 */
export function maskSequences(
  sequences: PackedSequences,
  rows: readonly number[],
  tokenizer: MlmTokenizer,
  rng: Rng,
  options: MaskingOptions = {},
): MaskedBatch {
  const problems = checkMaskingOptions(options);
  if (problems.length > 0) throw new TrainingConfigError(problems);
  const { rate = 0.25, maskTokenFraction = 0.8, randomTokenFraction = 0.1 } = options;
  const special = specialIdTable(tokenizer);
  const { sequenceLength } = sequences;
  const batchSize = rows.length;
  const inputIds = new Int32Array(batchSize * sequenceLength);
  const attentionMask = new Int32Array(batchSize * sequenceLength);
  const labels = new Int32Array(batchSize * sequenceLength).fill(IGNORE_LABEL);
  const positions: number[] = [];
  const candidates: number[] = [];
  let tokenCount = 0;
  for (let b = 0; b < batchSize; b++) {
    const source = rows[b] * sequenceLength;
    const offset = b * sequenceLength;
    const length = sequences.lengths[rows[b]];
    inputIds.set(sequences.ids.subarray(source, source + sequenceLength), offset);
    attentionMask.fill(1, offset, offset + length);
    tokenCount += length;
    candidates.length = 0;
    for (let s = 0; s < length; s++) if (special[inputIds[offset + s]] === 0) candidates.push(s);
    const count = maskedCount(candidates.length, rate);
    // Partial Fisher-Yates: the first `count` entries become a uniform sample without replacement.
    for (let i = 0; i < count; i++) {
      const j = i + rng.int(candidates.length - i);
      [candidates[i], candidates[j]] = [candidates[j], candidates[i]];
    }
    const chosen = candidates.slice(0, count).sort((x, y) => x - y);
    for (const s of chosen) {
      const at = offset + s;
      labels[at] = inputIds[at];
      positions.push(at);
      const roll = rng.next();
      if (roll < maskTokenFraction) inputIds[at] = tokenizer.specialIds.mask;
      else if (roll < maskTokenFraction + randomTokenFraction) inputIds[at] = randomOrdinaryToken(special, rng);
    }
  }
  const maskedPositions = Int32Array.from(positions);
  const maskedTargets = maskedPositions.map((at) => labels[at]);
  return { batchSize, sequenceLength, inputIds, attentionMask, labels, maskedPositions, maskedTargets, tokenCount };
}

function randomOrdinaryToken(special: Uint8Array, rng: Rng): number {
  for (;;) {
    const id = rng.int(special.length);
    if (special[id] === 0) return id;
  }
}
