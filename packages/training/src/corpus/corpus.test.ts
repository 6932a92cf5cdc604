import { describe, expect, it } from 'vitest';
import { INHERITED_NAMES } from '@ufbert/tensor';
import { CorpusError } from '../errors.js';
import { readEmbeddedCorpus, type EmbeddedSource } from './corpus.js';

describe('embedded corpus lookups', () => {
  it('find own sources only: an inherited name is a CorpusError listing the sources (toString once read "[object Undefined]")', () => {
    for (const name of INHERITED_NAMES) {
      expect(() => readEmbeddedCorpus([name as EmbeddedSource])).toThrow(CorpusError);
      expect(() => readEmbeddedCorpus([name as EmbeddedSource])).toThrow(`unknown embedded corpus '${name}', expected one of sotu, moby-dick, brown`);
    }
  });
});
