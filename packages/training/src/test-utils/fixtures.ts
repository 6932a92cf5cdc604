import { Rng } from '@ufbert/tensor';
import type { CorpusDocument } from '../corpus/document.js';
import type { MlmTokenizer } from '../tokenizer.js';
import { WordTokenizer } from '../toy/word-tokenizer.js';

const TOPICS = [
  ['whale', 'sea', 'ship', 'harpoon', 'captain', 'sail', 'wave', 'deck'],
  ['congress', 'nation', 'law', 'tax', 'senate', 'budget', 'vote', 'union'],
  ['jury', 'court', 'judge', 'trial', 'witness', 'verdict', 'county', 'case'],
  ['garden', 'flower', 'rain', 'soil', 'seed', 'tree', 'leaf', 'sun'],
];
const COMMON = ['the', 'a', 'of', 'and', 'to', 'in', 'was', 'is'];

/**
 * Documents with topic structure: each draws most words from one topic, so a model that
 * reads context can beat the unigram baseline.
 */
export function topicDocuments(count: number, seed = 1, sentences = 6): CorpusDocument[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, (_, d) => {
    const topic = TOPICS[d % TOPICS.length];
    const text = Array.from({ length: sentences }, () => {
      const words = Array.from({ length: 8 }, () => (rng.next() < 0.6 ? topic[rng.int(topic.length)] : COMMON[rng.int(COMMON.length)]));
      return `${words.join(' ')}.`;
    }).join(' ');
    return { source: 'test', id: `doc-${d}`, text };
  });
}

export function topicTokenizer(): WordTokenizer {
  return new WordTokenizer([...TOPICS.flat(), ...COMMON, '.']);
}

/** Ids are the characters' codes minus 'a' plus 10; specials are 0-4. For packing and masking tests. */
export const letterTokenizer: MlmTokenizer = {
  vocabSize: 40,
  specialIds: { pad: 0, unk: 1, cls: 2, sep: 3, mask: 4 },
  encode: (text) => [...text.replace(/\s+/g, '')].map((c) => c.charCodeAt(0) - 97 + 10),
};
