import { loadModelSource, type ModelSourceOptions } from './load-model.js';
import type { ModelSource } from './model-bytes.js';
import type { ProgressCallback } from './progress.js';
import { resolveTask, taskPipeline, type TaskPipelineOptions } from './task-pipeline.js';
import type { PipelineFor, TaskAlias, TaskName } from './tasks.js';

export interface PipelineOptions extends ModelSourceOptions, TaskPipelineOptions {
  progress_callback?: ProgressCallback;
}

/**
 * A pipeline for `task` over `model` (a folder, an http(s) URL, or the files' bytes by
 * name), in transformers.js's shape: `const fill = await pipeline('fill-mask', dir)`, then
 * `await fill('the capital of france is [MASK].', { top_k: 3 })`; `{ dtype: 'q8' }` runs the
 * int8 export on onnxruntime (default `fp32` in Node).
 */
export async function pipeline<T extends TaskName | TaskAlias>(task: T, model: ModelSource, options: PipelineOptions = {}): Promise<PipelineFor<T>> {
  const name = resolveTask(task);
  const built = await taskPipeline(task, await loadModelSource(model, options), options);
  options.progress_callback?.({ status: 'ready', task: name, model: typeof model === 'string' || model instanceof URL ? String(model) : 'bytes' });
  return built;
}
