import { excerpt, hasOwnEntry, ownEntry } from '@ufbert/tensor';
import { PipelineError } from './errors.js';
import type { LoadedModel } from './model-parts.js';
import { SUPPORTED_TASKS, TASK_ALIASES, type PipelineFor, type TaskAlias, type TaskName } from './tasks.js';

/** The options every task's pipeline takes, whatever loaded the model. */
export interface TaskPipelineOptions {
  /** Label names by index, over the config's `id2label`. */
  labels?: readonly string[];
  /** Sequences per forward pass. Default 32. */
  batch_size?: number;
  /**
   * An input longer than the model's window (max_seq_length tokens): cut to the window when
   * true, a PipelineError naming it when false (the default): never a silently shorter input.
   */
  truncation?: boolean;
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
      truncation: options.truncation ?? false,
    });
    return built as PipelineFor<T>;
  } catch (error) {
    await loaded.runtime.dispose();
    throw error;
  }
}
