import { loadModelSource, type ModelSourceOptions } from './load-model.js';
import type { ModelSource } from './model-bytes.js';
import type { ProgressCallback } from './progress.js';
import { checkModelSource } from './model-source-check.js';
import { checkOptions, type OptionTable } from './options-check.js';
import { resolveTask, taskOptionTable, taskPipeline, type TaskPipelineOptions } from './task-pipeline.js';
import type { PipelineFor, TaskAlias, TaskName } from './tasks.js';

export interface PipelineOptions extends ModelSourceOptions, TaskPipelineOptions {
  progress_callback?: ProgressCallback;
}

/** The loader's options `pipeline()` takes (the task's come from `taskOptionTable`). */
const LOAD_MODEL_OPTIONS: OptionTable<ModelSourceOptions> = {
  runtime: true,
  device: true,
  dtype: true,
  threads: true,
  parallelism: true,
  fffDenseLevels: true,
  warn: true,
  kernel: true,
  cache_dir: true,
  progress_callback: true,
  stall_timeout_ms: true,
  download_timeout_ms: true,
  revision: true,
  local_files_only: true,
};

/**
 * A pipeline for `task` over `model` (a folder, an http(s) URL, or the files' bytes by
 * name), in transformers.js's shape: `const fill = await pipeline('fill-mask', dir)`, then
 * `await fill('the capital of france is [MASK].', { top_k: 3 })`; `{ dtype: 'q8' }` runs the
 * int8 export on onnxruntime (default `fp32` in Node). The task's call options given here
 * (`top_k`, `truncation`, `pooling`, `normalize`) are the defaults of every call; an option
 * neither the loader nor the task takes is a PipelineError listing those it takes.
 */
export async function pipeline<T extends TaskName | TaskAlias>(task: T, model: ModelSource, options: PipelineOptions = {}): Promise<PipelineFor<T>> {
  const name = resolveTask(task);
  checkOptions<PipelineOptions>(options, { ...LOAD_MODEL_OPTIONS, ...taskOptionTable(name) }, `options of pipeline('${name}')`);
  checkModelSource(name, model, 'source');
  const built = await taskPipeline(task, await loadModelSource(model, options), options);
  options.progress_callback?.({ status: 'ready', task: name, model: typeof model === 'string' || model instanceof URL ? String(model) : 'bytes' });
  return built;
}
