import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TokenizerError } from '../errors.js';
import { TextTokenizer } from './tokenizer.js';
import { loadTokenizer } from '../node/tokenizer-files.js';
import { rustNormalizer, rustPreTokenizer } from './rust-components.js';
import { lowercaseCodePoints } from './code-point-lowercase.js';
import { splitUnicodeWords } from './unicode-whitespace.js';
import { PUBLISHED_LAYOUT, PUBLISHED_LAYOUT_EXPECTED_IDS } from '../../../../fixtures/index.js';

interface Expected {
  singles: { text: string; ids: number[]; tokens: string[] }[];
  pairs: { text: [string, string]; ids: number[] }[];
  normalized: { text: string; normalized: string }[];
  unicode_kept: { text: string; normalized: string; pre_tokens: string[]; ids: number[] }[];
}

// Written by Hugging Face tokenizers (Rust) with the folder's tokenizer.json (tools/make-published-layout.py).
const expected = JSON.parse(readFileSync(PUBLISHED_LAYOUT_EXPECTED_IDS, 'utf8')) as Expected;
const tokenizerJson = () =>
  JSON.parse(readFileSync(join(PUBLISHED_LAYOUT, 'tokenizer.json'), 'utf8')) as { normalizer: { normalizers: unknown[] }; pre_tokenizer: unknown };
/** The published tokenizer without its last normalizer, the English-keyboard rule that drops all non-ASCII text. */
function unicodeKeptJson() {
  const json = tokenizerJson();
  json.normalizer.normalizers.pop();
  return json;
}

const work = mkdtempSync(join(tmpdir(), 'crammed-bert-published-tokenizer-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the published tokenizer, read as Hugging Face tokenizers (Rust) reads it', () => {
  it('finds <cls>, <sep>, <mask>, <pad>, <unk> from tokenizer_config.json', async () => {
    const tokenizer = await loadTokenizer(PUBLISHED_LAYOUT);
    expect(tokenizer.specialTokens).toEqual({
      pad: { token: '<pad>', id: 0 },
      unk: { token: '<unk>', id: 3 },
      cls: { token: '<cls>', id: 4 },
      sep: { token: '<sep>', id: 5 },
      mask: { token: '<mask>', id: 6 },
    });
  });

  it("gives Rust's ids on accents, non-ASCII, backquotes, runs of spaces, punctuation, numbers, CJK and emoji", async () => {
    const tokenizer = await loadTokenizer(PUBLISHED_LAYOUT);
    for (const { text, ids, tokens } of expected.singles) expect(tokenizer.encode(text), JSON.stringify(text)).toEqual({ ids, tokens });
    for (const { text, ids } of expected.pairs) expect(tokenizer.encode(text).ids, JSON.stringify(text)).toEqual(ids);
    const normalize = rustNormalizer(tokenizerJson().normalizer)!;
    for (const { text, normalized } of expected.normalized) expect(normalize(text), JSON.stringify(text)).toBe(normalized);
  });

  it("gives Rust's normalized text, pre-tokens and ids where non-ASCII text reaches Lowercase and Whitespace", () => {
    const json = unicodeKeptJson();
    const normalize = rustNormalizer(json.normalizer)!;
    const preTokenize = rustPreTokenizer(json.pre_tokenizer)!;
    const tokenizer = TextTokenizer.fromJSON(json);
    for (const { text, normalized, pre_tokens, ids } of expected.unicode_kept) {
      expect(normalize(text), JSON.stringify(text)).toBe(normalized);
      expect(preTokenize(normalized), JSON.stringify(normalized)).toEqual(pre_tokens);
      expect(tokenizer.encode(text).ids, JSON.stringify(text)).toEqual(ids);
    }
  });

  it('lowercases per code point and splits on Unicode word characters, as Rust does', () => {
    expect(lowercaseCodePoints('ΟΔΟΣ ΣΑΣ İ')).toBe('οδοσ σασ i̇');
    expect(splitUnicodeWords('ab日本! x²y ½ naïve snake_case')).toEqual(['ab日本', '!', 'x', '²', 'y', '½', 'naïve', 'snake_case']);
  });

  it('refuses an unknown component type, naming it', () => {
    expect(() => rustNormalizer({ type: 'Uppercase' })).toThrow(TokenizerError);
    expect(() => rustNormalizer({ type: 'Uppercase' })).toThrow(/unknown normalizer type "Uppercase"/);
    expect(() => rustPreTokenizer({ type: 'Sequence', pretokenizers: [{ kind: 'Whitespace' }] })).toThrow(
      /a pre_tokenizer to be an object with a string "type"/,
    );
  });

  it("reads special_tokens_map.json, whose names win over tokenizer_config.json's as in transformers", async () => {
    const folder = join(work, 'map-only');
    mkdirSync(folder);
    writeFileSync(join(folder, 'tokenizer.json'), readFileSync(join(PUBLISHED_LAYOUT, 'tokenizer.json')));
    writeFileSync(join(folder, 'tokenizer_config.json'), JSON.stringify({ mask_token: '<unk>', cls_token: '<s>' }));
    writeFileSync(join(folder, 'special_tokens_map.json'), readFileSync(join(PUBLISHED_LAYOUT, 'special_tokens_map.json')));
    const tokenizer = await loadTokenizer(folder);
    expect(tokenizer.specialTokens.mask).toEqual({ token: '<mask>', id: 6 });
    expect(tokenizer.specialTokens.cls).toEqual({ token: '<cls>', id: 4 });
  });

  it('refuses a tokenizer config naming a special token the vocabulary lacks', () => {
    expect(() => TextTokenizer.fromJSON(tokenizerJson(), {}, { mask_token: '[MASK]' })).toThrow(
      'the tokenizer config names mask_token "[MASK]", which is not in the tokenizer\'s vocabulary or added tokens',
    );
  });
});
