import { saveModel } from '@ufbert/crammed-bert/node';
import type { CrammedBertModel, TextTokenizer } from '@ufbert/crammed-bert';
import { assertOrdinaryFileSystem } from '@ufbert/tensor/node';
import { GlueError } from './errors.js';
import type { TaskDefinition } from './task-definition.js';

/**
 * Saves a fine-tuned classifier as a model folder the pipelines load as it is, written as one
 * unit by @ufbert/crammed-bert's one writer: model.safetensors and model_config.json,
 * tokenizer.json, and config.json with the task's label names as `id2label` / `label2id` (a
 * regression task's one output is `score`), so `pipeline('text-classification', dir)` and
 * `ufbert classify` name its classes. An existing folder of another kind is refused.
 */
export async function saveClassifier(model: CrammedBertModel, tokenizer: TextTokenizer, task: TaskDefinition, dir: string): Promise<void> {
  // Checked first, as a GlueError: a folder under /proc or /sys is no place for a classifier (a recursive mkdir there never returns).
  assertOrdinaryFileSystem(dir, 'classifier folder', (message) => new GlueError(message));
  const labels = task.labels.length ? task.labels : ['score'];
  await saveModel(model, dir, { tokenizer, labels, huggingFaceConfig: { task: task.name }, kind: 'ufbert-classifier' });
}
