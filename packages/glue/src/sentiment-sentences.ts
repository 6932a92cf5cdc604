import { createRequire } from 'node:module';
import { FILE_LIMITS, readTextSync } from '@ufbert/tensor/node';
import { dirname, join } from 'node:path';
import { GlueError } from './errors.js';

export type SentimentSource = 'amazon' | 'imdb' | 'yelp';

export const SENTIMENT_SOURCES: readonly SentimentSource[] = ['amazon', 'imdb', 'yelp'];

/** One sentence of the UCI Sentiment Labelled Sentences data set. */
export interface SentimentSentence {
  /** `source-position`, e.g. `yelp-17`, unique across the three sources. */
  readonly id: string;
  readonly source: SentimentSource;
  /** The sentence, trimmed, inner whitespace collapsed. */
  readonly text: string;
  /** 1 for positive, 0 for negative. */
  readonly label: 0 | 1;
}

/**
 * The 3000 sentences of "Sentiment Labelled Sentences" (Kotzias et al., 2015): 1000 each from Amazon, IMDb
 * and Yelp reviews, 500 positive and 500 negative per source. Read from the test fixtures of the installed
 * `sentiment` npm package (`test/fixtures/<source>.json`); nothing is downloaded.
 */
export function readSentimentSentences(): SentimentSentence[] {
  const packageDir = dirname(createRequire(import.meta.url).resolve('sentiment/package.json'));
  return SENTIMENT_SOURCES.flatMap((source) => {
    const file = join(packageDir, 'test', 'fixtures', `${source}.json`);
    return parseSentimentFixture(
      source,
      JSON.parse(readTextSync(file, { what: 'sentiment fixture', maxBytes: FILE_LIMITS.json, fail: (message) => new GlueError(message) })) as unknown,
      file,
    );
  });
}

function parseSentimentFixture(source: SentimentSource, entries: unknown, file: string): SentimentSentence[] {
  if (!Array.isArray(entries)) throw new GlueError(`${file}: expected an array of {text, class}, got ${typeof entries}`);
  // Each fixture ends in an empty entry {text: "", class: null}, an artefact of how it was converted.
  const last = entries.at(-1) as { text?: unknown; class?: unknown } | undefined;
  const sentences = last?.text === '' && last.class === null ? entries.slice(0, -1) : entries;
  return sentences.map((entry: { text?: unknown; class?: unknown }, index) => {
    const text = typeof entry.text === 'string' ? entry.text.replace(/\s+/g, ' ').trim() : '';
    if (text === '' || (entry.class !== 0 && entry.class !== 1)) {
      throw new GlueError(`${file}[${index}]: expected {text: a sentence, class: 0 or 1}, got ${JSON.stringify(entry)}`);
    }
    return { id: `${source}-${index}`, source, text, label: entry.class };
  });
}
