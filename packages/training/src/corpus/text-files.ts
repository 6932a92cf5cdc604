import { FILE_LIMITS, readText } from '@ufbert/tensor/node';
import { CorpusError } from '../errors.js';
import type { CorpusDocument } from './document.js';

/**
 * UTF-8 text files, one document each, each a regular file within FILE_LIMITS.text. One
 * CorpusError names every file that is missing, not a regular file (a FIFO, a device, a
 * folder), too large or empty.
 */
export async function readTextFiles(paths: readonly string[]): Promise<CorpusDocument[]> {
  if (paths.length === 0) throw new CorpusError('expected at least one corpus text file, got none');
  const problems: string[] = [];
  const documents: CorpusDocument[] = [];
  for (const path of paths) {
    let raw: string;
    try {
      raw = await readText(path, { what: 'corpus text file', maxBytes: FILE_LIMITS.text });
    } catch (error) {
      problems.push((error as Error).message);
      continue;
    }
    if (raw === '') problems.push(`${path}: the file is empty`);
    else
      documents.push({
        source: 'file',
        id: path,
        text: raw
          .replace(/^\uFEFF/, '')
          .replace(/\r\n?/g, '\n')
          .trim(),
      });
  }
  if (problems.length > 0) throw new CorpusError(`corpus files cannot be used:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  const blank = documents.find((document) => document.text === '');
  if (blank) throw new CorpusError(`${blank.id}: the file holds only whitespace`);
  return documents;
}
