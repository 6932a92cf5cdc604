/** The contents of a Hugging Face tokenizer.json (the parts this package reads or writes). */
export interface TokenizerJson {
  version?: string;
  truncation?: unknown;
  padding?: unknown;
  added_tokens: AddedTokenJson[];
  normalizer: unknown;
  pre_tokenizer: unknown;
  post_processor: unknown;
  decoder: unknown;
  model: { type: string; unk_token?: string; vocab?: Record<string, number> | unknown[]; [key: string]: unknown };
  [key: string]: unknown;
}

export interface AddedTokenJson {
  id: number;
  content: string;
  single_word?: boolean;
  lstrip?: boolean;
  rstrip?: boolean;
  normalized?: boolean;
  special?: boolean;
}

/** The roles a BERT tokenizer's special tokens play. */
export interface SpecialTokenNames {
  pad: string;
  unk: string;
  cls: string;
  sep: string;
  mask: string;
}

export const CONTINUATION_PREFIX = '##';

export interface WordPieceJsonOptions {
  /** Tokens in id order; the special tokens among them are registered as added tokens. */
  vocab: readonly string[];
  specialTokens: SpecialTokenNames;
  lowercase: boolean;
  stripAccents: boolean;
}

/**
 * A BERT-style WordPiece tokenizer.json, in the layout the Rust `tokenizers` library writes:
 * BertNormalizer, BertPreTokenizer, `[CLS] A [SEP]` / `[CLS] A [SEP] B [SEP]` templates,
 * WordPiece model and decoder with the `##` continuation prefix.
 */
export function wordPieceTokenizerJson(options: WordPieceJsonOptions): TokenizerJson {
  const { vocab, specialTokens } = options;
  const ids = new Map(vocab.map((token, id) => [token, id]));
  const specials = new Set(Object.values(specialTokens));
  const special = (role: keyof SpecialTokenNames, typeId: number) => ({ SpecialToken: { id: specialTokens[role], type_id: typeId } });
  const sequence = (id: 'A' | 'B', typeId: number) => ({ Sequence: { id, type_id: typeId } });
  const templateEntry = (role: 'cls' | 'sep') => {
    const token = specialTokens[role];
    return [token, { id: token, ids: [ids.get(token)!], tokens: [token] }];
  };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: vocab.flatMap((content, id) =>
      specials.has(content) ? [{ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }] : [],
    ),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: options.stripAccents, lowercase: options.lowercase },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [special('cls', 0), sequence('A', 0), special('sep', 0)],
      pair: [special('cls', 0), sequence('A', 0), special('sep', 0), sequence('B', 1), special('sep', 1)],
      special_tokens: Object.fromEntries([templateEntry('cls'), templateEntry('sep')]),
    },
    decoder: { type: 'WordPiece', prefix: CONTINUATION_PREFIX, cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: specialTokens.unk,
      continuing_subword_prefix: CONTINUATION_PREFIX,
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(ids),
    },
  };
}
