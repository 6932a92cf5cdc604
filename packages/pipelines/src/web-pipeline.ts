import { fetchModelFiles, type WebModelSourceOptions } from './hub/web-model-files.js';
import type { ModelBytes } from './model-bytes.js';
import { resolveTask, taskPipeline, type TaskPipelineOptions } from './task-pipeline.js';
import type { PipelineFor, TaskAlias, TaskName } from './tasks.js';
import { loadWebModel, type WebModelOptions } from './web-model.js';

export interface WebPipelineOptions extends WebModelOptions, TaskPipelineOptions, WebModelSourceOptions {}

/**
 * `pipeline(task, model)` for a browser: the same task classes and call shapes, over the
 * model files' bytes, a hub id `owner/name` or an http(s) URL (fetched with progress events and
 * kept in the Cache API, see `fetchModelFiles`), on onnxruntime-web (default) or tfjs
 * (`runtime: 'tfjs'`, `device`).
 */
export async function webPipeline<T extends TaskName | TaskAlias>(task: T, model: ModelBytes | string | URL, options: WebPipelineOptions = {}): Promise<PipelineFor<T>> {
  const name = resolveTask(task);
  const files = typeof model === 'string' || model instanceof URL ? await fetchModelFiles(model, options) : model;
  const built = await taskPipeline(task, await loadWebModel(files, options), options);
  options.progress_callback?.({ status: 'ready', task: name, model: typeof model === 'string' || model instanceof URL ? String(model) : 'bytes' });
  return built;
}
