import type { CorpusDocument } from '../corpus/document.js';
import { TrainingConfigError } from '../errors.js';
import type { MlmTokenizer, SpecialIds } from '../tokenizer.js';

const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;
const WORD = /[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu;

/**
 * A lowercase word-level tokenizer whose vocabulary is the most frequent words of a corpus;
 * other words become [UNK]. Enough to run the trainer end to end without a WordPiece
 * tokenizer (examples, tests); real pretraining uses the crammedBERT WordPiece tokenizer.
 */
export class WordTokenizer implements MlmTokenizer {
  readonly vocabSize: number;
  readonly specialIds: SpecialIds = { pad: 0, unk: 1, cls: 2, sep: 3, mask: 4 };
  readonly vocabulary: readonly string[];
  private readonly ids: Map<string, number>;

  constructor(vocabulary: readonly string[]) {
    this.vocabulary = [...SPECIAL_TOKENS, ...vocabulary.filter((word) => !(SPECIAL_TOKENS as readonly string[]).includes(word))];
    this.ids = new Map(this.vocabulary.map((word, id) => [word, id]));
    this.vocabSize = this.vocabulary.length;
  }

  /** The `vocabSize - 5` most frequent words of the documents (ties broken alphabetically), after the five special tokens. */
  static fromDocuments(documents: Iterable<CorpusDocument>, vocabSize: number): WordTokenizer {
    if (!Number.isInteger(vocabSize) || vocabSize <= SPECIAL_TOKENS.length) {
      throw new TrainingConfigError([`word tokenizer vocabSize must be an integer above ${SPECIAL_TOKENS.length}, got ${vocabSize}`]);
    }
    const counts = new Map<string, number>();
    for (const document of documents) for (const word of WordTokenizer.words(document.text)) counts.set(word, (counts.get(word) ?? 0) + 1);
    const ranked = [...counts].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1)).map(([word]) => word);
    return new WordTokenizer(ranked.slice(0, vocabSize - SPECIAL_TOKENS.length));
  }

  static words(text: string): string[] {
    return text.toLowerCase().match(WORD) ?? [];
  }

  encode(text: string): number[] {
    return WordTokenizer.words(text).map((word) => this.ids.get(word) ?? this.specialIds.unk);
  }

  decode(ids: readonly number[]): string {
    return ids.map((id) => this.vocabulary[id] ?? '[UNK]').join(' ');
  }
}
