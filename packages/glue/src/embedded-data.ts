import { join } from 'node:path';
import { ensureFolder, writeFileAtomic } from '@ufbert/tensor/node';
import { GlueError } from './errors.js';
import { embeddedTask, type EmbeddedTaskName } from './embedded-tasks.js';
import type { GlueExample } from './read-split.js';
import { splitTrainDev, type SplitOptions, type TrainDevSplit } from './seeded-split.js';
import { readSentimentSentences } from './sentiment-sentences.js';
import { readSpamAssassin } from './spam-assassin.js';
import { formatTsvRow } from './tsv.js';

export interface EmbeddedTaskOptions extends SplitOptions {
  /** spam only: longest mail text kept, in characters (default 1000). */
  readonly maxChars?: number;
}

/** An example whose label is known, as every example of an embedded task is. */
export type LabeledExample = GlueExample & { readonly label: number };

/** Examples of an embedded task with the ids of their source, before the train/dev split. */
export function embeddedTaskSource(name: EmbeddedTaskName, options: EmbeddedTaskOptions = {}): LabeledExample[] {
  embeddedTask(name);
  const items = name === 'spam' ? readSpamAssassin({ maxChars: options.maxChars }) : readSentimentSentences();
  // A text that occurs twice (re-sent spam, repeated review lines) would otherwise land on both sides of the split.
  const seen = new Set<string>();
  const examples: LabeledExample[] = [];
  for (const { id, text, label } of items) {
    if (seen.has(text)) continue;
    seen.add(text);
    examples.push({ id, textA: text, label });
  }
  return examples;
}

/**
 * An embedded task split into train and dev, in memory: a seeded, per-class shuffle puts `devFraction`
 * (default 0.2) of each class in dev. Same options, same split; no text is in both.
 */
export function loadEmbeddedTask(name: EmbeddedTaskName, options: EmbeddedTaskOptions = {}): TrainDevSplit<LabeledExample> {
  return splitTrainDev(embeddedTaskSource(name, options), options);
}

/**
 * Writes an embedded task in the SST-2 layout (`sentence<TAB>label` header) to
 * `dataDir/<task directory>/{train,dev}.tsv`, so that `readTaskSplit(dataDir, name, split)` reads it like any
 * GLUE task. Meant for a cache folder; the files are rebuilt from the installed packages, never committed.
 * Returns the paths written.
 */
export async function writeEmbeddedTask(name: EmbeddedTaskName, dataDir: string, options: EmbeddedTaskOptions = {}): Promise<{ train: string; dev: string }> {
  const task = embeddedTask(name);
  const directory = join(dataDir, task.directory);
  await ensureFolder(directory, { what: 'embedded task folder', fail: (message) => new GlueError(message) });
  const { train, dev } = loadEmbeddedTask(name, options);
  const paths = { train: join(directory, task.splits.train.file), dev: join(directory, task.splits.dev.file) };
  for (const [split, examples] of [
    ['train', train],
    ['dev', dev],
  ] as const) {
    const lines = [formatTsvRow(['sentence', 'label']), ...examples.map((example) => formatTsvRow([example.textA, task.fileLabels[example.label]]))];
    // Atomic, so that an interrupted run never leaves a half file that reads as whole.
    await writeFileAtomic(paths[split], `${lines.join('\n')}\n`, { what: `${name} ${split} TSV file` });
  }
  return paths;
}
