import type { TextTokenizer } from '@ufbert/crammed-bert';
import { TrainingContractError } from './errors.js';
import type { MlmTokenizer } from './tokenizer.js';

/** A crammed-bert TextTokenizer as the data pipeline sees it: plain ids (packing adds [CLS]/[SEP]) and the special ids by role. */
export function mlmTokenizer(tokenizer: TextTokenizer): MlmTokenizer {
  const roles = ['cls', 'sep', 'pad', 'mask', 'unk'] as const;
  const missing = roles.filter((role) => tokenizer.specialTokens[role] === undefined);
  if (missing.length)
    throw new TrainingContractError(`the tokenizer has no special token for ${missing.join(', ')}; MLM pretraining needs cls, sep, pad, mask and unk`);
  const id = (role: (typeof roles)[number]) => tokenizer.specialTokens[role]!.id;
  return {
    encode: (text) => tokenizer.encode(text, { addSpecialTokens: false }).ids,
    vocabSize: tokenizer.vocabSize,
    specialIds: { cls: id('cls'), sep: id('sep'), pad: id('pad'), mask: id('mask'), unk: id('unk') },
  };
}
