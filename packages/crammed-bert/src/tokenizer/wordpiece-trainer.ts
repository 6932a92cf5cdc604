import { BertNormalizer, BertPreTokenizer, type HfNormalizer } from './hf-tokenizers.js';
import { TokenizerError } from '../errors.js';
import { CONTINUATION_PREFIX, wordPieceTokenizerJson, type SpecialTokenNames, type TokenizerJson } from './tokenizer-json.js';
import { TextTokenizer } from './tokenizer.js';

export interface WordPieceTrainerOptions {
  /** Largest vocabulary, special tokens included. Training stops earlier when no pair reaches minFrequency. Default 32768. */
  vocabSize?: number;
  /** Special tokens, given ids 0, 1, ... in this order: pad, unk, cls, sep, mask. Default `[PAD] [UNK] [CLS] [SEP] [MASK]`. */
  specialTokens?: Partial<SpecialTokenNames>;
  /** A pair must occur this often (counting word frequency) to be merged. Default 2. */
  minFrequency?: number;
  /** Keep only the most frequent characters; words' other characters are dropped during training (they become [UNK]). Default: all. */
  limitAlphabet?: number;
  /** BERT normalisation: lowercase. Default true. */
  lowercase?: boolean;
  /** BERT normalisation: strip accents (NFD, drop combining marks). Default: same as lowercase. */
  stripAccents?: boolean;
}

interface WordEntry {
  symbols: number[];
  count: number;
}

/** Pair (a, b) of symbol ids as one number; ids stay far below 2^26. */
const PAIR_BASE = 2 ** 26;
const pairKey = (a: number, b: number) => a * PAIR_BASE + b;

/**
 * Trains a WordPiece vocabulary the way Hugging Face's WordPieceTrainer does: BPE merges
 * by pair frequency over the corpus's words, with non-initial pieces carrying the `##`
 * continuation prefix (merging `ab` and `##c` makes `abc`; `##ab` and `##c` make `##abc`).
 * Ties go to the pair whose symbols were created first. Unlike that trainer, every alphabet
 * character also gets its `##` form, so any word over the alphabet encodes without [UNK].
 *
 * Text is normalised and split with @huggingface/tokenizers' own BertNormalizer and
 * BertPreTokenizer, the components the saved tokenizer.json names, so training and encoding
 * see the same words.
 */
export class WordPieceTrainer {
  private readonly options: Required<Omit<WordPieceTrainerOptions, 'limitAlphabet' | 'specialTokens'>> & {
    limitAlphabet: number | undefined;
    specialTokens: SpecialTokenNames;
  };
  private readonly normalizer: HfNormalizer;
  private readonly preTokenizer = new BertPreTokenizer();
  private readonly wordCounts = new Map<string, number>();

  constructor(options: WordPieceTrainerOptions = {}) {
    const lowercase = options.lowercase ?? true;
    this.options = {
      vocabSize: options.vocabSize ?? 32768,
      minFrequency: options.minFrequency ?? 2,
      limitAlphabet: options.limitAlphabet,
      lowercase,
      stripAccents: options.stripAccents ?? lowercase,
      specialTokens: { pad: '[PAD]', unk: '[UNK]', cls: '[CLS]', sep: '[SEP]', mask: '[MASK]', ...options.specialTokens },
    };
    const { vocabSize, minFrequency, limitAlphabet, specialTokens } = this.options;
    const names = Object.values(specialTokens);
    if (!Number.isSafeInteger(vocabSize) || vocabSize <= names.length)
      throw new TokenizerError(`vocabSize must be an integer above the ${names.length} special tokens, got ${vocabSize}`);
    if (!Number.isSafeInteger(minFrequency) || minFrequency < 1) throw new TokenizerError(`minFrequency must be an integer >= 1, got ${minFrequency}`);
    if (limitAlphabet !== undefined && (!Number.isSafeInteger(limitAlphabet) || limitAlphabet < 1))
      throw new TokenizerError(`limitAlphabet must be an integer >= 1, got ${limitAlphabet}`);
    if (new Set(names).size !== names.length || names.some((n) => typeof n !== 'string' || n.length === 0)) {
      throw new TokenizerError(`special tokens must be distinct non-empty strings, got ${JSON.stringify(specialTokens)}`);
    }
    this.normalizer = new BertNormalizer({
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      lowercase,
      strip_accents: this.options.stripAccents,
    });
  }

  /** Counts the words of one text (a line, a document). */
  feed(text: string): this {
    for (const word of this.preTokenizer.pre_tokenize_text(this.normalizer.normalize(text))) {
      this.wordCounts.set(word, (this.wordCounts.get(word) ?? 0) + 1);
    }
    return this;
  }

  /** Runs the merges and returns the tokenizer. */
  finish(): TextTokenizer {
    return TextTokenizer.fromJSON(this.finishJson());
  }

  /** Runs the merges and returns tokenizer.json's contents. */
  finishJson(): TokenizerJson {
    const { vocabSize, specialTokens } = this.options;
    const tokens: string[] = [...Object.values(specialTokens)];
    const ids = new Map<string, number>(tokens.map((t, i) => [t, i]));
    const intern = (token: string): number => {
      let id = ids.get(token);
      if (id === undefined) {
        id = tokens.length;
        tokens.push(token);
        ids.set(token, id);
      }
      return id;
    };

    const alphabet = this.alphabet();
    const needed = tokens.length + 2 * alphabet.length;
    if (needed > vocabSize) {
      throw new TokenizerError(
        `vocabSize ${vocabSize} cannot hold the ${tokens.length} special tokens and the ${alphabet.length}-character alphabet in both forms (${needed}); raise vocabSize or set limitAlphabet`,
      );
    }
    for (const char of alphabet) intern(char);
    for (const char of alphabet) intern(CONTINUATION_PREFIX + char);
    const inAlphabet = new Set(alphabet);

    const words: WordEntry[] = [];
    for (const [word, count] of this.wordCounts) {
      const symbols: number[] = [];
      let first = true;
      for (const char of word) {
        if (!inAlphabet.has(char)) continue;
        symbols.push(ids.get(first ? char : CONTINUATION_PREFIX + char)!);
        first = false;
      }
      if (symbols.length > 0) words.push({ symbols, count });
    }

    this.merge(words, tokens, intern);
    return wordPieceTokenizerJson({
      vocab: tokens,
      specialTokens,
      lowercase: this.options.lowercase,
      stripAccents: this.options.stripAccents,
    });
  }

  /** Characters of the corpus, the most frequent `limitAlphabet` of them, in code point order. */
  private alphabet(): string[] {
    const counts = new Map<string, number>();
    for (const [word, count] of this.wordCounts) for (const char of word) counts.set(char, (counts.get(char) ?? 0) + count);
    let chars = [...counts.keys()];
    const limit = this.options.limitAlphabet;
    if (limit !== undefined && chars.length > limit) {
      chars = chars.sort((a, b) => counts.get(b)! - counts.get(a)! || compareCodePoints(a, b)).slice(0, limit);
    }
    return chars.sort(compareCodePoints);
  }

  private merge(words: WordEntry[], tokens: string[], intern: (token: string) => number): void {
    const { vocabSize, minFrequency } = this.options;
    const pairCounts = new Map<number, number>();
    const where = new Map<number, Set<number>>();
    const countPairs = (w: number, sign: 1 | -1, touched?: Set<number>) => {
      const { symbols, count } = words[w];
      for (let i = 0; i + 1 < symbols.length; i++) {
        const key = pairKey(symbols[i], symbols[i + 1]);
        pairCounts.set(key, (pairCounts.get(key) ?? 0) + sign * count);
        if (sign === 1) {
          let set = where.get(key);
          if (!set) where.set(key, (set = new Set()));
          set.add(w);
          touched?.add(key);
        }
      }
    };
    for (let w = 0; w < words.length; w++) countPairs(w, 1);

    const heap = new PairHeap();
    for (const [key, count] of pairCounts) heap.push(count, key);

    while (tokens.length < vocabSize && heap.size > 0) {
      const top = heap.pop()!;
      const current = pairCounts.get(top.key) ?? 0;
      // Counts only fall between pushes except through a re-push, so a stale entry is re-queued at its true count.
      if (current !== top.count) {
        if (current > 0) heap.push(current, top.key);
        continue;
      }
      if (current < minFrequency) break;
      const a = Math.floor(top.key / PAIR_BASE);
      const b = top.key % PAIR_BASE;
      const right = tokens[b].startsWith(CONTINUATION_PREFIX) ? tokens[b].slice(CONTINUATION_PREFIX.length) : tokens[b];
      const merged = intern(tokens[a] + right);
      const touched = new Set<number>();
      for (const w of where.get(top.key) ?? []) {
        const symbols = words[w].symbols;
        if (!containsPair(symbols, a, b)) continue;
        countPairs(w, -1);
        words[w].symbols = mergePair(symbols, a, b, merged);
        countPairs(w, 1, touched);
      }
      where.delete(top.key);
      pairCounts.delete(top.key);
      for (const key of touched) heap.push(pairCounts.get(key)!, key);
    }
  }
}

function compareCodePoints(a: string, b: string): number {
  return a.codePointAt(0)! - b.codePointAt(0)!;
}

function containsPair(symbols: number[], a: number, b: number): boolean {
  for (let i = 0; i + 1 < symbols.length; i++) if (symbols[i] === a && symbols[i + 1] === b) return true;
  return false;
}

/** Replaces non-overlapping occurrences of (a, b), left to right. */
function mergePair(symbols: number[], a: number, b: number, merged: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < symbols.length; i++) {
    if (i + 1 < symbols.length && symbols[i] === a && symbols[i + 1] === b) {
      out.push(merged);
      i++;
    } else {
      out.push(symbols[i]);
    }
  }
  return out;
}

/** Max-heap on count; ties to the smaller pair key (earlier-created symbols). */
class PairHeap {
  private readonly counts: number[] = [];
  private readonly keys: number[] = [];

  get size(): number {
    return this.counts.length;
  }

  push(count: number, key: number): void {
    this.counts.push(count);
    this.keys.push(key);
    let i = this.counts.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  pop(): { count: number; key: number } | undefined {
    if (this.counts.length === 0) return undefined;
    const top = { count: this.counts[0], key: this.keys[0] };
    const lastCount = this.counts.pop()!;
    const lastKey = this.keys.pop()!;
    if (this.counts.length > 0) {
      this.counts[0] = lastCount;
      this.keys[0] = lastKey;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let best = i;
        if (l < this.counts.length && this.before(l, best)) best = l;
        if (r < this.counts.length && this.before(r, best)) best = r;
        if (best === i) break;
        this.swap(i, best);
        i = best;
      }
    }
    return top;
  }

  private before(i: number, j: number): boolean {
    return this.counts[i] > this.counts[j] || (this.counts[i] === this.counts[j] && this.keys[i] < this.keys[j]);
  }

  private swap(i: number, j: number): void {
    [this.counts[i], this.counts[j]] = [this.counts[j], this.counts[i]];
    [this.keys[i], this.keys[j]] = [this.keys[j], this.keys[i]];
  }
}

/** Trains a WordPiece tokenizer on in-memory texts. */
export function trainWordPiece(texts: Iterable<string>, options: WordPieceTrainerOptions = {}): TextTokenizer {
  const trainer = new WordPieceTrainer(options);
  for (const text of texts) trainer.feed(text);
  return trainer.finish();
}
