import { excerpt, hasOwnEntry, ownEntry } from '@ufbert/tensor';
import { PipelineError } from './errors.js';
import type { LoadedModel } from './loaded-model.js';
import type { OptionTable } from './options-check.js';
import type { CallDefaults } from './text-pipeline.js';
import { SUPPORTED_TASKS, TASK_ALIASES, type PipelineFor, type TaskAlias, type TaskName } from './tasks.js';

/**
 * The options every task's pipeline takes, whatever loaded the model, and its calls' options
 * (`top_k`, `truncation`, `pooling`, `normalize`) as defaults for every call, where its task's
 * calls take them.
 */
export interface TaskPipelineOptions extends CallDefaults {
  /** Label names by index, over the config's `id2label`. */
  labels?: readonly string[];
  /** Sequences per forward pass. Default 32. */
  batch_size?: number;
}

const TASK_PIPELINE_OPTIONS: OptionTable<Omit<TaskPipelineOptions, keyof CallDefaults>> = { labels: true, batch_size: true };

/** The options a pipeline of `task` takes beyond its loader's: the task pipeline's, and its calls'. */
export function taskOptionTable(task: TaskName): Readonly<Record<string, true>> {
  return { ...TASK_PIPELINE_OPTIONS, ...SUPPORTED_TASKS[task].options };
}

/** The canonical name of a task or alias; a PipelineError listing the known ones for any other. */
export function resolveTask(task: string): TaskName {
  const name = ownEntry<TaskName>(TASK_ALIASES, task) ?? task;
  if (!hasOwnEntry(SUPPORTED_TASKS, name)) {
    const got = typeof task === 'string' ? `'${excerpt(task)}'` : `a value of type ${typeof task}`;
    throw new PipelineError(`unknown task ${got}: expected one of ${[...Object.keys(SUPPORTED_TASKS), ...Object.keys(TASK_ALIASES)].join(', ')}`);
  }
  return name;
}

/** The pipeline of `task` over a loaded model; the model's runtime is freed when the pipeline cannot be built. */
export async function taskPipeline<T extends TaskName | TaskAlias>(task: T, loaded: LoadedModel, options: TaskPipelineOptions = {}): Promise<PipelineFor<T>> {
  const name = resolveTask(task);
  try {
    const built = new SUPPORTED_TASKS[name].pipeline({
      task: name,
      runtime: loaded.runtime,
      dtype: loaded.dtype,
      tokenizer: loaded.tokenizer,
      id2label: options.labels ?? loaded.id2label,
      batchSize: options.batch_size ?? 32,
      defaults: callDefaults(name, options),
    });
    return built as PipelineFor<T>;
  } catch (error) {
    await loaded.runtime.dispose();
    throw error;
  }
}

/** The call options among a pipeline's options that its task's calls take. */
function callDefaults(task: TaskName, options: TaskPipelineOptions): CallDefaults {
  const accepted = SUPPORTED_TASKS[task].options;
  return Object.fromEntries(Object.entries(options).filter(([key, value]) => value !== undefined && hasOwnEntry(accepted, key)));
}
