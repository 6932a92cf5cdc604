import { join } from 'node:path';
import { FILE_LIMITS, pathKind, readTextChunks } from '@ufbert/tensor/node';
import { GlueError } from './errors.js';
import { SplitReader, type SplitData } from './read-split.js';
import type { TaskDefinition } from './task-definition.js';
import { getSplit, getTask, type TaskName } from './task-registry.js';
import { tsvLinesFromChunks } from './tsv.js';

/**
 * Reads one split of a task from `dataDir/<task directory>/<split file>`, e.g. `glue/MNLI/dev_matched.tsv`.
 * The file is streamed, so MNLI's and QQP's large train files need no second copy in memory.
 */
export async function readTaskSplit(dataDir: string, task: TaskName | TaskDefinition, split: string): Promise<SplitData> {
  const definition = getTask(task);
  const path = join(dataDir, definition.directory, getSplit(definition, split).file);
  const reader = new SplitReader(definition, split, path);
  if (pathKind(path) === 'missing') {
    throw new GlueError(
      `expected the ${definition.name} ${split} file at ${path} (the official GLUE layout; scripts/fetch-glue.mjs makes it), found nothing there`,
    );
  }
  // A FIFO or a device would block the read or never end; only a regular file is read.
  const chunks = readTextChunks(path, { what: `${definition.name} ${split} TSV file`, maxBytes: FILE_LIMITS.text, fail: (message) => new GlueError(message) });
  for await (const line of tsvLinesFromChunks(chunks)) reader.addLine(line);
  return reader.finish();
}
