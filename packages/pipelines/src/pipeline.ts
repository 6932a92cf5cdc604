import { loadModelSource, type LoadModelOptions } from './load-model.js';
import { PipelineError } from './errors.js';
import type { ModelSource } from './model-files.js';
import type { ProgressCallback } from './progress.js';
import { SUPPORTED_TASKS, TASK_ALIASES, type PipelineFor, type TaskAlias, type TaskName } from './tasks.js';

export interface PipelineOptions extends LoadModelOptions {
  /** transformers.js's weight precision; ufbert runs float32 weights only. */
  dtype?: 'fp32' | 'auto';
  /** Label names by index, over the config's `id2label`. */
  labels?: readonly string[];
  /** Sequences per forward pass. Default 32. */
  batch_size?: number;
  /**
   * An input longer than the model's window (max_seq_length tokens): cut to the window when
   * true, a PipelineError naming it when false (the default): never a silently shorter input.
   */
  truncation?: boolean;
  progress_callback?: ProgressCallback;
}

/**
 * A pipeline for `task` over `model` (a folder, an http(s) URL, or the files' bytes by
 * name), in transformers.js's shape: `const fill = await pipeline('fill-mask', dir)`, then
 * `await fill('the capital of france is [MASK].', { top_k: 3 })`.
 */
export async function pipeline<T extends TaskName | TaskAlias>(task: T, model: ModelSource, options: PipelineOptions = {}): Promise<PipelineFor<T>> {
  const name = (TASK_ALIASES as Record<string, TaskName>)[task] ?? task;
  const entry = (SUPPORTED_TASKS as Record<string, (typeof SUPPORTED_TASKS)[TaskName]>)[name];
  if (!entry) throw new PipelineError(`unknown task '${task}': expected one of ${[...Object.keys(SUPPORTED_TASKS), ...Object.keys(TASK_ALIASES)].join(', ')}`);
  if (options.dtype !== undefined && options.dtype !== 'fp32' && options.dtype !== 'auto') throw new PipelineError(`dtype must be 'fp32' (or 'auto'), got '${String(options.dtype)}': ufbert runs float32 weights`);
  const loaded = await loadModelSource(model, options);
  try {
    const built = new entry.pipeline({ task: name, runtime: loaded.runtime, tokenizer: loaded.tokenizer, id2label: options.labels ?? loaded.id2label, batchSize: options.batch_size ?? 32, truncation: options.truncation ?? false });
    options.progress_callback?.({ status: 'ready', task: name, model: typeof model === 'string' || model instanceof URL ? String(model) : 'bytes' });
    return built as PipelineFor<T>;
  } catch (error) {
    await loaded.runtime.dispose();
    throw error;
  }
}
