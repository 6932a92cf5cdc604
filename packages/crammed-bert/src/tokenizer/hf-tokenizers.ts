import * as library from '@huggingface/tokenizers';

// The package's .d.ts files use extensionless relative re-exports, which NodeNext
// resolution does not follow: only its default-exported classes come through typed.
// These are the parts of its API this package calls, typed as the package documents them.

export interface HfEncoding {
  ids: number[];
  tokens: string[];
}

/** A normalizer as the library's Tokenizer calls it: text in, normalized text out. */
export type NormalizeText = (text: string) => string;

/** A pre-tokenizer as the library's Tokenizer calls it: one text or several in, the pieces out. */
export type PreTokenizeText = (text: string | string[], options?: { section_index?: number }) => string[];

export interface HfTokenizer {
  encode(text: string, options?: { text_pair?: string | null; add_special_tokens?: boolean }): HfEncoding;
  decode(ids: number[], options?: { skip_special_tokens?: boolean }): string;
  token_to_id(token: string): number | undefined;
  id_to_token(id: number): string | undefined;
  get_vocab(withAddedTokens?: boolean): Map<string, number>;
  /** Public fields: the components `encode` runs, built from tokenizer.json's entries. */
  normalizer: NormalizeText | null;
  pre_tokenizer: PreTokenizeText | null;
}

export interface HfNormalizer extends NormalizeText {
  normalize(text: string): string;
}

export interface HfPreTokenizer extends PreTokenizeText {
  pre_tokenize_text(text: string): string[];
}

/** A component class of the library: built from its tokenizer.json entry, callable as the Tokenizer calls it. */
type NormalizerClass = new (config: object) => HfNormalizer;
type PreTokenizerClass = new (config: object) => HfPreTokenizer;

interface Library {
  Tokenizer: new (tokenizerJson: object, tokenizerConfig: object) => HfTokenizer;
  BertNormalizer: NormalizerClass;
  BertPreTokenizer: new () => HfPreTokenizer;
  PrecompiledNormalizer: NormalizerClass;
  ReplaceNormalizer: NormalizerClass;
  NFCNormalizer: NormalizerClass;
  NFDNormalizer: NormalizerClass;
  NFKCNormalizer: NormalizerClass;
  NFKDNormalizer: NormalizerClass;
  StripNormalizer: NormalizerClass;
  StripAccentsNormalizer: NormalizerClass;
  PrependNormalizer: NormalizerClass;
  WhitespaceSplitPreTokenizer: PreTokenizerClass;
  MetaspacePreTokenizer: PreTokenizerClass;
  ByteLevelPreTokenizer: PreTokenizerClass;
  SplitPreTokenizer: PreTokenizerClass;
  PunctuationPreTokenizer: PreTokenizerClass;
  DigitsPreTokenizer: PreTokenizerClass;
  ReplacePreTokenizer: PreTokenizerClass;
  FixedLengthPreTokenizer: PreTokenizerClass;
}

const typed = library as unknown as Library;
export const { Tokenizer, BertNormalizer, BertPreTokenizer } = typed;

/** The library's normalizers by tokenizer.json `type`, for those whose results match the Rust library's. */
export const LIBRARY_NORMALIZERS: Readonly<Record<string, NormalizerClass>> = {
  BertNormalizer: typed.BertNormalizer,
  Precompiled: typed.PrecompiledNormalizer,
  Replace: typed.ReplaceNormalizer,
  NFC: typed.NFCNormalizer,
  NFD: typed.NFDNormalizer,
  NFKC: typed.NFKCNormalizer,
  NFKD: typed.NFKDNormalizer,
  Strip: typed.StripNormalizer,
  StripAccents: typed.StripAccentsNormalizer,
  Prepend: typed.PrependNormalizer,
};

/** The library's pre-tokenizers by tokenizer.json `type`, for those whose results match the Rust library's. */
export const LIBRARY_PRE_TOKENIZERS: Readonly<Record<string, PreTokenizerClass>> = {
  BertPreTokenizer: typed.BertPreTokenizer as unknown as PreTokenizerClass,
  WhitespaceSplit: typed.WhitespaceSplitPreTokenizer,
  Metaspace: typed.MetaspacePreTokenizer,
  ByteLevel: typed.ByteLevelPreTokenizer,
  Split: typed.SplitPreTokenizer,
  Punctuation: typed.PunctuationPreTokenizer,
  Digits: typed.DigitsPreTokenizer,
  Replace: typed.ReplacePreTokenizer,
  FixedLength: typed.FixedLengthPreTokenizer,
};
