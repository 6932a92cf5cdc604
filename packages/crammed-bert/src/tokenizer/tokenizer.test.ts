import { describe, expect, it } from 'vitest';
import { TokenizerError } from '../errors.js';
import { CORPUS } from '../test-utils/corpus.js';
import { TextTokenizer } from './tokenizer.js';
import { trainWordPiece, WordPieceTrainer } from './wordpiece-trainer.js';
import { wordPieceTokenizerJson } from './tokenizer-json.js';

describe('WordPiece training', () => {
  const tokenizer = trainWordPiece(CORPUS, { vocabSize: 300, minFrequency: 1 });

  it('puts the special tokens first and stays within vocabSize', () => {
    expect(tokenizer.specialTokens).toEqual({
      pad: { token: '[PAD]', id: 0 },
      unk: { token: '[UNK]', id: 1 },
      cls: { token: '[CLS]', id: 2 },
      sep: { token: '[SEP]', id: 3 },
      mask: { token: '[MASK]', id: 4 },
    });
    expect(tokenizer.vocabSize).toBeLessThanOrEqual(300);
    expect(tokenizer.vocabSize).toBeGreaterThan(200);
  });

  it('learns whole frequent words and ## continuation pieces', () => {
    const vocab = tokenizer.json.model.vocab as Record<string, number>;
    for (const word of ['the', 'capital', 'paris', 'believe']) expect(vocab[word], word).toBeDefined();
    expect(Object.keys(vocab).some((t) => t.startsWith('##') && t.length > 3)).toBe(true);
  });

  it('normalises like BERT: lowercase, accents stripped, punctuation split', () => {
    const { tokens, ids } = tokenizer.encode('CAFÉ, Crêpes!');
    expect(tokens.slice(0, 3)).toEqual(['[CLS]', 'cafe', ',']);
    expect(tokenizer.decode(ids, { skipSpecialTokens: true })).toBe('cafe, crepes!');
  });

  it('encodes every training word without [UNK]', () => {
    for (const line of CORPUS) expect(tokenizer.encode(line).tokens, line).not.toContain('[UNK]');
  });

  it('is deterministic', () => {
    expect(trainWordPiece(CORPUS, { vocabSize: 300, minFrequency: 1 }).json).toEqual(tokenizer.json);
  });

  it('stops at vocabSize exactly when the corpus allows more merges', () => {
    expect(trainWordPiece(CORPUS, { vocabSize: 150, minFrequency: 1 }).vocabSize).toBe(150);
  });

  it('merges only pairs seen minFrequency times', () => {
    const rare = trainWordPiece(CORPUS, { vocabSize: 300, minFrequency: 5 });
    expect(rare.vocabSize).toBeLessThan(tokenizer.vocabSize);
  });

  it('writes the layout of a Rust tokenizers tokenizer.json', () => {
    const json = tokenizer.json;
    expect(json.normalizer).toEqual({ type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: true, lowercase: true });
    expect(json.pre_tokenizer).toEqual({ type: 'BertPreTokenizer' });
    expect(json.model).toMatchObject({ type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100 });
    expect(json.added_tokens[4]).toEqual({ id: 4, content: '[MASK]', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
    expect(json.post_processor).toMatchObject({ type: 'TemplateProcessing', special_tokens: { '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] } } });
  });

  it('decodes ids back to text', () => {
    expect(tokenizer.decode(tokenizer.encode('the capital of france is paris.').ids, { skipSpecialTokens: true })).toBe('the capital of france is paris.');
  });

  it('limits the alphabet to the most frequent characters', () => {
    const limited = trainWordPiece(CORPUS, { vocabSize: 300, minFrequency: 1, limitAlphabet: 20 });
    expect(limited.encode('zyzzyva').tokens).toEqual(['[CLS]', '[UNK]', '[SEP]']);
  });

  it('rejects impossible options with a TokenizerError', () => {
    expect(() => trainWordPiece(CORPUS, { vocabSize: 30 })).toThrow(/vocabSize 30 cannot hold the 5 special tokens and the \d+-character alphabet/);
    expect(() => new WordPieceTrainer({ vocabSize: 3 })).toThrow(TokenizerError);
    expect(() => new WordPieceTrainer({ minFrequency: 0 })).toThrow(/minFrequency must be an integer >= 1/);
    expect(() => new WordPieceTrainer({ specialTokens: { pad: '[X]', unk: '[X]' } })).toThrow(/distinct/);
  });
});

describe('loading any tokenizer.json', () => {
  it('finds special tokens by role whatever they are called (the published UltraFastBERT names)', () => {
    const vocab = ['<unk>', '<cls>', '<s>', '</s>', '<mask>', '<sep>', '<pad>', 'mask', 'pad', 'the', 'cat'];
    const json = wordPieceTokenizerJson({
      vocab,
      specialTokens: { pad: '<pad>', unk: '<unk>', cls: '<cls>', sep: '<sep>', mask: '<mask>' },
      lowercase: true,
      stripAccents: true,
    });
    json.added_tokens = ['<unk>', '<cls>', '<s>', '</s>', '<mask>', '<sep>', '<pad>'].map((content, id) => ({ id, content, special: true, normalized: false }));
    const tokenizer = TextTokenizer.fromJSON(json);
    expect(tokenizer.specialTokens).toEqual({
      pad: { token: '<pad>', id: 6 },
      unk: { token: '<unk>', id: 0 },
      cls: { token: '<cls>', id: 1 },
      sep: { token: '<sep>', id: 5 },
      mask: { token: '<mask>', id: 4 },
    });
    expect(tokenizer.encode('the <mask> cat').ids).toEqual([1, 9, 4, 10, 5]);
  });

  it('prefers tokenizer_config.json names and falls back to <s> / </s>', () => {
    const json = wordPieceTokenizerJson({
      vocab: ['<s>', '</s>', '<unk>', '<x>', 'the'],
      specialTokens: { pad: '<x>', unk: '<unk>', cls: '<s>', sep: '</s>', mask: '<x>' },
      lowercase: true,
      stripAccents: true,
    });
    const tokenizer = TextTokenizer.fromJSON(json, { mask_token: { content: '<x>' } });
    expect(tokenizer.specialTokens.cls).toEqual({ token: '<s>', id: 0 });
    expect(tokenizer.specialTokens.sep).toEqual({ token: '</s>', id: 1 });
    expect(tokenizer.specialTokens.mask).toEqual({ token: '<x>', id: 3 });
    expect(tokenizer.specialTokens.pad).toBeUndefined();
  });

  it('pads and truncates batches, keeping the closing separator', () => {
    const tokenizer = trainWordPiece(CORPUS, { vocabSize: 300, minFrequency: 1 });
    const batch = tokenizer.encodeBatch(['paris', 'the capital of germany is berlin'], { maxLength: 5 });
    expect(batch.lengths).toEqual([3, 5]);
    expect(batch.fullLengths[0]).toBe(3);
    expect(batch.fullLengths[1]).toBeGreaterThan(5);
    expect(batch.attentionMask).toEqual([
      [1, 1, 1, 0, 0],
      [1, 1, 1, 1, 1],
    ]);
    expect(batch.inputIds[0].slice(3)).toEqual([0, 0]);
    expect(batch.inputIds[1][4]).toBe(3);
  });

  it('refuses tokenizer.json contents without a model', () => {
    expect(() => TextTokenizer.fromJSON({ version: '1.0' })).toThrow(/must be an object with a "model" entry/);
  });
});
