import { readFile, stat } from 'node:fs/promises';
import { CorpusError } from '../errors.js';
import type { CorpusDocument } from './document.js';

/**
 * UTF-8 text files, one document each. Every path is checked before any is read, and one
 * CorpusError names all that are missing, not files, or empty.
 */
export async function readTextFiles(paths: readonly string[]): Promise<CorpusDocument[]> {
  if (paths.length === 0) throw new CorpusError('expected at least one corpus text file, got none');
  const problems: string[] = [];
  for (const path of paths) {
    try {
      const info = await stat(path);
      if (!info.isFile()) problems.push(`${path}: expected a text file, got a ${info.isDirectory() ? 'folder' : 'special file'}`);
      else if (info.size === 0) problems.push(`${path}: the file is empty`);
    } catch (error) {
      problems.push(`${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
    }
  }
  if (problems.length > 0) throw new CorpusError(`corpus files cannot be used:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  const documents: CorpusDocument[] = [];
  for (const path of paths) {
    const text = (await readFile(path, 'utf8')).replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').trim();
    if (text === '') throw new CorpusError(`${path}: the file holds only whitespace`);
    documents.push({ source: 'file', id: path, text });
  }
  return documents;
}
