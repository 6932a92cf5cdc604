/**
 * The `Lowercase` normalizer as Hugging Face tokenizers (Rust) runs it: each code point lowercased on its
 * own (`char::to_lowercase`). `String.prototype.toLowerCase`, which @huggingface/tokenizers and
 * transformers.js call, lowercases in context: a capital sigma ending a word becomes final `ς` there, `σ`
 * in Rust ("ΟΔΟΣ" -> "οδοσ"), a different token.
 */
export function lowercaseCodePoints(text: string): string {
  let out = '';
  for (const codePoint of text) out += codePoint.toLowerCase();
  return out;
}
