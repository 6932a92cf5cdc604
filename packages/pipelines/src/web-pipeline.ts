import { fetchModelFiles, type WebModelSourceOptions } from './hub/web-model-files.js';
import type { ModelBytes } from './model-bytes.js';
import { checkModelSource } from './model-source-check.js';
import { checkOptions, type OptionTable } from './options-check.js';
import { resolveTask, taskOptionTable, taskPipeline, type TaskPipelineOptions } from './task-pipeline.js';
import type { PipelineFor, TaskAlias, TaskName } from './tasks.js';
import { loadWebModel, type WebModelOptions } from './web-model.js';

export interface WebPipelineOptions extends WebModelOptions, TaskPipelineOptions, WebModelSourceOptions {}

/** The loader's options `webPipeline()` takes (the task's come from `taskOptionTable`). */
const WEB_MODEL_OPTIONS: OptionTable<WebModelOptions & WebModelSourceOptions> = {
  runtime: true,
  device: true,
  kernel: true,
  threads: true,
  dtype: true,
  executionProviders: true,
  wasmPaths: true,
  warn: true,
  revision: true,
  remoteHost: true,
  cacheName: true,
  local_files_only: true,
  progress_callback: true,
  max_model_bytes: true,
  stall_timeout_ms: true,
  download_timeout_ms: true,
};

/**
 * `pipeline(task, model)` for a browser: the same task classes and call shapes, over the
 * model files' bytes, a hub id `owner/name` or an http(s) URL (fetched with progress events and
 * kept in the Cache API, see `fetchModelFiles`), on onnxruntime-web (default) or tfjs
 * (`runtime: 'tfjs'`, `device`).
 */
export async function webPipeline<T extends TaskName | TaskAlias>(
  task: T,
  model: ModelBytes | string | URL,
  options: WebPipelineOptions = {},
): Promise<PipelineFor<T>> {
  const name = resolveTask(task);
  checkOptions<WebPipelineOptions>(options, { ...WEB_MODEL_OPTIONS, ...taskOptionTable(name) }, `options of webPipeline('${name}')`);
  const byName = typeof model === 'string' || model instanceof URL;
  checkModelSource(name, model, byName ? 'source' : 'bytes');
  const files = byName ? await fetchModelFiles(model, options) : model;
  const built = await taskPipeline(task, await loadWebModel(files, options), options);
  options.progress_callback?.({ status: 'ready', task: name, model: byName ? String(model) : 'bytes' });
  return built;
}
