import { join } from 'node:path';
import { ensureFolder, writeJsonAtomic } from '@ufbert/tensor/node';
import { saveModel, type CrammedBertModel, type TextTokenizer } from '@ufbert/crammed-bert';
import { GlueError } from './errors.js';
import type { TaskDefinition } from './task-definition.js';

/** The Hugging Face config file that carries the label names beside model_config.json. */
export const LABELS_FILE = 'config.json';

/**
 * Saves a fine-tuned classifier as a model folder the pipelines load as it is:
 * model.safetensors and model_config.json, tokenizer.json, and config.json with the task's
 * label names as `id2label` / `label2id` (a regression task has none), so
 * `pipeline('text-classification', dir)` and `ufbert classify` name its classes.
 */
export async function saveClassifier(model: CrammedBertModel, tokenizer: TextTokenizer, task: TaskDefinition, dir: string): Promise<void> {
  // Checked first: a folder under /proc would hang the recursive mkdir of the writers below.
  await ensureFolder(dir, { what: 'classifier folder', fail: (message) => new GlueError(message) });
  await saveModel(model, dir);
  await tokenizer.save(dir);
  const labels = task.labels;
  const config = labels.length
    ? { id2label: Object.fromEntries(labels.map((label, i) => [String(i), label])), label2id: Object.fromEntries(labels.map((label, i) => [label, i])) }
    : { id2label: { 0: 'score' }, label2id: { score: 0 } };
  await writeJsonAtomic(join(dir, LABELS_FILE), { ...config, task: task.name });
}
