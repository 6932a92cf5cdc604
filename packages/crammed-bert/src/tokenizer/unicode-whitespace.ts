/**
 * A word character of the Rust `regex` crate's Unicode `\w` (UTS #18: Alphabetic, marks, decimal digits,
 * connector punctuation, joiners); `\s` is White_Space.
 */
const WORD = String.raw`\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}`;
const PIECE = new RegExp(String.raw`[${WORD}]+|[^${WORD}\p{White_Space}]+`, 'gu');

/**
 * The `Whitespace` pre-tokenizer as Hugging Face tokenizers (Rust) runs it: the pieces matching
 * `\w+|[^\w\s]+` with Unicode classes. @huggingface/tokenizers 0.2.0 matches JavaScript's ASCII-only `\w`,
 * so "ab日本" splits in two there and "x²" or "ﬁne" split differently from Rust.
 */
export function splitUnicodeWords(text: string | string[]): string[] {
  return (Array.isArray(text) ? text : [text]).flatMap((piece) => piece.match(PIECE) ?? []);
}
