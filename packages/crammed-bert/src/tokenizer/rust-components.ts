import { LIBRARY_NORMALIZERS, LIBRARY_PRE_TOKENIZERS, type HfTokenizer, type NormalizeText, type PreTokenizeText } from './hf-tokenizers.js';
import { lowercaseCodePoints } from './code-point-lowercase.js';
import { splitUnicodeWords } from './unicode-whitespace.js';
import { TokenizerError } from '../errors.js';

/**
 * The components where @huggingface/tokenizers 0.2.0 gives other results than Hugging Face tokenizers (Rust),
 * which wrote every published tokenizer.json: `Lowercase` (per code point) and `Whitespace` (Unicode `\w`).
 * Every other component is the library's own class.
 */
const FIXED_NORMALIZERS: Readonly<Record<string, NormalizeText>> = { Lowercase: lowercaseCodePoints };
const FIXED_PRE_TOKENIZERS: Readonly<Record<string, PreTokenizeText>> = { Whitespace: splitUnicodeWords };

interface ComponentJson {
  type: string;
  [key: string]: unknown;
}

function componentJson(value: unknown, where: string): ComponentJson {
  if (value === null || typeof value !== 'object' || typeof (value as ComponentJson).type !== 'string') {
    throw new TokenizerError(`expected ${where} to be an object with a string "type", got ${JSON.stringify(value)}`);
  }
  return value as ComponentJson;
}

function normalizerOf(value: unknown): NormalizeText {
  const json = componentJson(value, 'a normalizer');
  if (json.type === 'Sequence') {
    const members = (Array.isArray(json.normalizers) ? json.normalizers : []).map(normalizerOf);
    return (text) => members.reduce((t, normalize) => normalize(t), text);
  }
  const fixed = FIXED_NORMALIZERS[json.type];
  if (fixed) return fixed;
  const Library = LIBRARY_NORMALIZERS[json.type];
  if (!Library)
    throw new TokenizerError(
      `unknown normalizer type "${json.type}" (expected one of Sequence, ${[...Object.keys(LIBRARY_NORMALIZERS), 'Lowercase'].join(', ')})`,
    );
  return new Library(json);
}

function preTokenizerOf(value: unknown): PreTokenizeText {
  const json = componentJson(value, 'a pre_tokenizer');
  if (json.type === 'Sequence') {
    const members = (Array.isArray(json.pretokenizers) ? json.pretokenizers : []).map(preTokenizerOf);
    return (text, options) => members.reduce<string[]>((pieces, preTokenize) => preTokenize(pieces, options), Array.isArray(text) ? text : [text]);
  }
  const fixed = FIXED_PRE_TOKENIZERS[json.type];
  if (fixed) return fixed;
  const Library = LIBRARY_PRE_TOKENIZERS[json.type];
  if (!Library)
    throw new TokenizerError(
      `unknown pre_tokenizer type "${json.type}" (expected one of Sequence, ${[...Object.keys(LIBRARY_PRE_TOKENIZERS), 'Whitespace'].join(', ')})`,
    );
  return new Library(json);
}

/** The normalizer a tokenizer.json entry describes, with Rust's results (null: none). */
export function rustNormalizer(json: unknown): NormalizeText | null {
  return json === null || json === undefined ? null : normalizerOf(json);
}

/** The pre-tokenizer a tokenizer.json entry describes, with Rust's results (null: none). */
export function rustPreTokenizer(json: unknown): PreTokenizeText | null {
  return json === null || json === undefined ? null : preTokenizerOf(json);
}

/**
 * Puts Rust's components into a library Tokenizer built from `json`. Added tokens with `normalized: true`
 * keep the spelling the library's normalizer gave them; Lowercase differs there only on a word-final capital sigma.
 */
export function useRustComponents(tokenizer: HfTokenizer, json: { normalizer: unknown; pre_tokenizer: unknown }): void {
  tokenizer.normalizer = rustNormalizer(json.normalizer);
  tokenizer.pre_tokenizer = rustPreTokenizer(json.pre_tokenizer);
}
