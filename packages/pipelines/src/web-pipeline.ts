import type { ModelBytes } from './model-files.js';
import { checkModelSource } from './model-source-check.js';
import { checkOptions, type OptionTable } from './options-check.js';
import { resolveTask, taskOptionTable, taskPipeline, type TaskPipelineOptions } from './task-pipeline.js';
import type { PipelineFor, TaskAlias, TaskName } from './tasks.js';
import { loadWebModel, type WebModelOptions } from './web-model.js';

export interface WebPipelineOptions extends WebModelOptions, TaskPipelineOptions {}

/** The loader's options `webPipeline()` takes (the task's come from `taskOptionTable`). */
const WEB_MODEL_OPTIONS: OptionTable<WebModelOptions> = { runtime: true, device: true, kernel: true, dtype: true, executionProviders: true, wasmPaths: true, warn: true };

/**
 * `pipeline(task, files)` for a browser: the same task classes and call shapes, over the
 * model files' bytes, on onnxruntime-web (default) or tfjs (`runtime: 'tfjs'`, `device`).
 */
export async function webPipeline<T extends TaskName | TaskAlias>(task: T, files: ModelBytes, options: WebPipelineOptions = {}): Promise<PipelineFor<T>> {
  const name = resolveTask(task);
  checkOptions<WebPipelineOptions>(options, { ...WEB_MODEL_OPTIONS, ...taskOptionTable(name) }, `options of webPipeline('${name}')`);
  checkModelSource(name, files, 'bytes');
  return taskPipeline(task, await loadWebModel(files, options), options);
}
