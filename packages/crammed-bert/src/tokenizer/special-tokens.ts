import { TokenizerError } from '../errors.js';
import type { SpecialTokenNames, TokenizerJson } from './tokenizer-json.js';

export interface SpecialToken {
  token: string;
  id: number;
}

export type SpecialTokens = { [Role in keyof SpecialTokenNames]?: SpecialToken };

/**
 * Spellings tried per role, best first, matched case-insensitively against the special
 * (added) tokens first and then against bracketed vocabulary entries, so that both BERT's
 * `[MASK]` and the published UltraFastBERT tokenizer's `<mask>` are found, and the plain
 * word "mask" never is.
 */
const PATTERNS: Readonly<Record<keyof SpecialTokenNames, readonly RegExp[]>> = {
  pad: [/^[[<]pad[\]>]$/i, /^[[<].*pad.*[\]>]$/i],
  unk: [/^[[<]unk[\]>]$/i, /^[[<].*unk.*[\]>]$/i],
  cls: [/^[[<]cls[\]>]$/i, /^[[<].*cls.*[\]>]$/i, /^(<s>|\[bos\]|<bos>)$/i],
  sep: [/^[[<]sep[\]>]$/i, /^[[<].*sep.*[\]>]$/i, /^(<\/s>|\[eos\]|<eos>)$/i],
  mask: [/^[[<]mask[\]>]$/i, /^[[<].*mask.*[\]>]$/i],
};

const CONFIG_KEYS: Readonly<Record<keyof SpecialTokenNames, string>> = {
  pad: 'pad_token',
  unk: 'unk_token',
  cls: 'cls_token',
  sep: 'sep_token',
  mask: 'mask_token',
};

/** A tokenizer_config.json entry is a string or an AddedToken-like `{content}`. */
function configToken(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { content?: unknown }).content === 'string') return (value as { content: string }).content;
  return undefined;
}

/**
 * The special-token names of a tokenizer's files as transformers reads them: tokenizer_config.json's entries,
 * with special_tokens_map.json's (`save_pretrained` writes both) taking precedence where both name a role.
 */
export function specialTokenConfig(tokenizerConfig: Record<string, unknown>, specialTokensMap: Record<string, unknown> = {}): Record<string, unknown> {
  const merged = { ...tokenizerConfig };
  for (const key of Object.values(CONFIG_KEYS)) if (configToken(specialTokensMap[key]) !== undefined) merged[key] = specialTokensMap[key];
  return merged;
}

/**
 * Finds the pad, unk, cls, sep and mask tokens of any tokenizer.json: named in
 * tokenizer_config.json when it is given (a name that is not in the vocabulary is a
 * TokenizerError), else by the model's `unk_token`, else by the spelling patterns above.
 * Roles nothing matches are left out.
 */
export function findSpecialTokens(json: TokenizerJson, vocab: ReadonlyMap<string, number>, config: Record<string, unknown> = {}): SpecialTokens {
  const found: SpecialTokens = {};
  const added = json.added_tokens ?? [];
  const candidates = [...added.filter((t) => t.special).map((t) => t.content), ...added.filter((t) => !t.special).map((t) => t.content), ...vocab.keys()];
  for (const role of Object.keys(PATTERNS) as (keyof SpecialTokenNames)[]) {
    let token = configToken(config[CONFIG_KEYS[role]]);
    if (token !== undefined && !vocab.has(token)) {
      throw new TokenizerError(
        `the tokenizer config names ${CONFIG_KEYS[role]} ${JSON.stringify(token)}, which is not in the tokenizer's vocabulary or added tokens`,
      );
    }
    if (token === undefined && role === 'unk' && typeof json.model.unk_token === 'string') token = json.model.unk_token;
    if (token === undefined) {
      for (const pattern of PATTERNS[role]) {
        token = candidates.find((c) => pattern.test(c));
        if (token !== undefined) break;
      }
    }
    const id = token === undefined ? undefined : vocab.get(token);
    if (token !== undefined && id !== undefined) found[role] = { token, id };
  }
  return found;
}
