import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CORPUS } from '../test-utils/corpus.js';
import { trainWordPiece } from '../tokenizer/wordpiece-trainer.js';
import { loadTokenizer, saveTokenizer } from './tokenizer-files.js';
import { trainWordPieceFromFiles } from './wordpiece-files.js';

const work = mkdtempSync(join(tmpdir(), 'crammed-bert-tokenizer-files-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const tokenizer = trainWordPiece(CORPUS, { vocabSize: 200, minFrequency: 1 });
const PROBES = [
  'The capital of France is [MASK].',
  'UNBELIEVABLE Crêpes at the CAFÉ!!!',
  'words never seen: zyzzyva, quokka, 12345',
  '日本語 text with CJK characters',
];

describe('tokenizer files', () => {
  it('saves a tokenizer.json that @huggingface/tokenizers loads with identical ids', async () => {
    const file = await saveTokenizer(tokenizer, join(work, 'tokenizer.json'));
    const loaded = await loadTokenizer(work);
    for (const text of [...CORPUS, ...PROBES]) {
      expect(loaded.encode(text), text).toEqual(tokenizer.encode(text));
      expect(loaded.encode([text, 'a second segment']), text).toEqual(tokenizer.encode([text, 'a second segment']));
    }
    expect(loaded.specialTokens).toEqual(tokenizer.specialTokens);
    expect((await loadTokenizer(file)).json).toEqual(tokenizer.json);
  });

  it('trains from files, with configurable special tokens and casing', async () => {
    const file = join(work, 'corpus.txt');
    writeFileSync(file, CORPUS.join('\n'));
    const cased = await trainWordPieceFromFiles([file], {
      vocabSize: 250,
      minFrequency: 1,
      lowercase: false,
      specialTokens: { pad: '<pad>', unk: '<unk>', cls: '<cls>', sep: '<sep>', mask: '<mask>' },
    });
    expect(cased.encode('Paris <mask>').tokens).toEqual(['<cls>', 'Paris', '<mask>', '<sep>']);
    expect(cased.specialTokens.mask).toEqual({ token: '<mask>', id: 4 });
  });

  it('says what is wrong with an unusable file', async () => {
    writeFileSync(join(work, 'bad.json'), '{ not json');
    await expect(loadTokenizer(join(work, 'bad.json'))).rejects.toThrow(/bad\.json is not valid JSON/);
    await expect(loadTokenizer(join(work, 'absent.json'))).rejects.toThrow(/absent\.json/);
  });
});
