import type { ModelBytes } from './model-bytes.js';
import { resolveTask, taskPipeline, type TaskPipelineOptions } from './task-pipeline.js';
import type { PipelineFor, TaskAlias, TaskName } from './tasks.js';
import { loadWebModel, type WebModelOptions } from './web-model.js';

export interface WebPipelineOptions extends WebModelOptions, TaskPipelineOptions {}

/**
 * `pipeline(task, files)` for a browser: the same task classes and call shapes, over the
 * model files' bytes, on onnxruntime-web (default) or tfjs (`runtime: 'tfjs'`, `device`).
 */
export async function webPipeline<T extends TaskName | TaskAlias>(task: T, files: ModelBytes, options: WebPipelineOptions = {}): Promise<PipelineFor<T>> {
  resolveTask(task);
  return taskPipeline(task, await loadWebModel(files, options), options);
}
