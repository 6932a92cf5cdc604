import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { brownSentence, brownSentences, brownWord } from './brown.js';
import { brownCorpusDirectory, readBrown } from './brown-files.js';

describe('the Brown corpus reader', () => {
  it('takes the text of a word/tag token as everything before the last slash', () => {
    expect(brownWord('The/at')).toBe('The');
    expect(brownWord("Atlanta's/np$")).toBe("Atlanta's");
    expect(brownWord('1/2/cd')).toBe('1/2');
    expect(brownWord('./.')).toBe('.');
  });

  it('reads all 500 files, 1,161,192 tokens, in genre order', () => {
    const documents = readBrown();
    expect(documents).toHaveLength(500);
    expect(documents[0].id).toBe('ca01');
    expect(documents.at(-1)!.id).toBe('cr09');
    let tokens = 0;
    const directory = brownCorpusDirectory();
    for (const { id } of documents) for (const sentence of brownSentences(readFileSync(join(directory, id), 'utf8'))) tokens += sentence.length;
    expect(tokens).toBe(1_161_192);
  });

  it('turns tagged sentences into plain text', () => {
    const [first] = readBrown();
    const lines = first.text.split('\n');
    expect(lines[0]).toBe(
      `The Fulton County Grand Jury said Friday an investigation of Atlanta's recent primary election produced "no evidence" that any irregularities took place.`,
    );
    expect(lines[1]).toBe(
      'The jury further said in term-end presentments that the City Executive Committee, which had over-all charge of the election, "deserves the praise and thanks of the City of Atlanta" for the manner in which the election was conducted.',
    );
    expect(brownSentence(['(', 'see', 'below', ')', ';', 'then', '``', 'stop', "''", '!'])).toBe('(see below); then "stop"!');
  });
});
