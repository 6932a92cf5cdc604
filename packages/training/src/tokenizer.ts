import { TrainingContractError } from './errors.js';

/** Ids of the special tokens the data pipeline places or must never mask. */
export interface SpecialIds {
  readonly cls: number;
  readonly sep: number;
  readonly pad: number;
  readonly mask: number;
  readonly unk: number;
}

/**
 * What the pretraining data pipeline needs from a tokenizer. `encode` returns the ids of the
 * text alone: no [CLS]/[SEP] (packing places them).
 */
export interface MlmTokenizer {
  encode(text: string): number[];
  readonly vocabSize: number;
  readonly specialIds: SpecialIds;
}

/** Checks the special ids are distinct ids inside the vocabulary, leaving room for ordinary tokens. */
export function checkTokenizer(tokenizer: MlmTokenizer): void {
  const { vocabSize, specialIds } = tokenizer;
  const problems: string[] = [];
  if (!Number.isInteger(vocabSize) || vocabSize <= 0) problems.push(`vocabSize must be a positive integer, got ${vocabSize}`);
  const roles = ['cls', 'sep', 'pad', 'mask', 'unk'] as const;
  for (const role of roles) {
    const id = specialIds?.[role];
    if (!Number.isInteger(id) || id < 0 || id >= vocabSize) problems.push(`specialIds.${role} must be an id in [0, ${vocabSize}), got ${id}`);
  }
  if (problems.length === 0) {
    const distinct = new Set(roles.map((role) => specialIds[role]));
    if (distinct.size !== roles.length) problems.push(`special ids must be distinct, got ${JSON.stringify(specialIds)}`);
    else if (vocabSize <= distinct.size) problems.push(`vocabSize ${vocabSize} leaves no ordinary tokens beside the ${distinct.size} special ones`);
  }
  if (problems.length > 0) throw new TrainingContractError(`tokenizer: ${problems.join('; ')}`);
}

/** The special ids as a lookup table over the vocabulary (1 = special). */
export function specialIdTable(tokenizer: MlmTokenizer): Uint8Array {
  const table = new Uint8Array(tokenizer.vocabSize);
  const { cls, sep, pad, mask, unk } = tokenizer.specialIds;
  for (const id of [cls, sep, pad, mask, unk]) table[id] = 1;
  return table;
}
