import { CorpusError } from '../errors.js';
import { readBrown } from './brown-files.js';
import type { CorpusDocument } from './document.js';
import { readMobyDick } from './moby-dick.js';
import { readSotu } from './sotu.js';
import { readTextFiles } from './text-files.js';

/** The English text that ships inside this package's dependencies. */
export const EMBEDDED_SOURCES = ['sotu', 'moby-dick', 'brown'] as const;
export type EmbeddedSource = (typeof EMBEDDED_SOURCES)[number];

const EMBEDDED_READERS: Readonly<Record<EmbeddedSource, () => CorpusDocument[]>> = {
  sotu: readSotu,
  'moby-dick': readMobyDick,
  brown: readBrown,
};

/** Where pretraining text comes from: text files, embedded sources, or documents already in memory. */
export type CorpusSpec = { files: readonly string[] } | { embedded: readonly EmbeddedSource[] } | { documents: readonly CorpusDocument[] };

/** The embedded default corpus: State of the Union addresses, Moby Dick and the Brown corpus. */
export function readEmbeddedCorpus(sources: readonly EmbeddedSource[] = EMBEDDED_SOURCES): CorpusDocument[] {
  return sources.flatMap((source) => {
    const reader = EMBEDDED_READERS[source];
    if (!reader) throw new CorpusError(`unknown embedded corpus '${String(source)}', expected one of ${EMBEDDED_SOURCES.join(', ')}`);
    return reader();
  });
}

/** Reads the documents a CorpusSpec names; fails with a CorpusError when there are none. */
export async function readCorpus(spec: CorpusSpec): Promise<CorpusDocument[]> {
  let documents: CorpusDocument[];
  if ('files' in spec) documents = await readTextFiles(spec.files);
  else if ('embedded' in spec) documents = readEmbeddedCorpus(spec.embedded);
  else documents = [...spec.documents];
  if (documents.length === 0) throw new CorpusError('the corpus holds no documents');
  return documents;
}
