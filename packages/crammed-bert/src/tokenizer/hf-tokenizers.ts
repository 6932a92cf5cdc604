import * as library from '@huggingface/tokenizers';

// The package's .d.ts files use extensionless relative re-exports, which NodeNext
// resolution does not follow: only its default-exported classes come through typed.
// These are the parts of its API this package calls, typed as the package documents them.

export interface HfEncoding {
  ids: number[];
  tokens: string[];
}

export interface HfTokenizer {
  encode(text: string, options?: { text_pair?: string | null; add_special_tokens?: boolean }): HfEncoding;
  decode(ids: number[], options?: { skip_special_tokens?: boolean }): string;
  token_to_id(token: string): number | undefined;
  id_to_token(id: number): string | undefined;
  get_vocab(withAddedTokens?: boolean): Map<string, number>;
}

export interface HfNormalizer {
  normalize(text: string): string;
}

export interface HfPreTokenizer {
  pre_tokenize_text(text: string): string[];
}

interface Library {
  Tokenizer: new (tokenizerJson: object, tokenizerConfig: object) => HfTokenizer;
  BertNormalizer: new (config: { type: 'BertNormalizer'; clean_text: boolean; handle_chinese_chars: boolean; lowercase: boolean; strip_accents: boolean }) => HfNormalizer;
  BertPreTokenizer: new () => HfPreTokenizer;
}

export const { Tokenizer, BertNormalizer, BertPreTokenizer } = library as unknown as Library;
