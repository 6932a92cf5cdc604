import { EMBEDDED_TASKS, type EmbeddedTaskName } from './embedded-tasks.js';
import { excerpt } from '@ufbert/tensor';
import { GlueError } from './errors.js';
import { GLUE_TASKS, type GlueTaskName } from './glue-tasks.js';
import type { TaskDefinition, TaskSplit } from './task-definition.js';

export type TaskName = GlueTaskName | EmbeddedTaskName;

/** Every task this package can read and score: the nine GLUE tasks and the embedded ones. */
export const TASKS: Readonly<Record<TaskName, TaskDefinition>> = { ...GLUE_TASKS, ...EMBEDDED_TASKS };

/** The task of that name, or the definition itself when handed one. */
export function getTask(task: TaskName | TaskDefinition): TaskDefinition {
  if (typeof task !== 'string') return task;
  // Own properties only: `toString` or `__proto__` are not tasks.
  if (!Object.hasOwn(TASKS, task)) {
    throw new GlueError(`unknown task "${excerpt(task)}": expected one of ${Object.keys(TASKS).join(', ')}`);
  }
  return (TASKS as Readonly<Record<string, TaskDefinition>>)[task];
}

export function getSplit(task: TaskDefinition, split: string): TaskSplit {
  const definition = Object.hasOwn(task.splits, split) ? task.splits[split] : undefined;
  if (definition === undefined) {
    throw new GlueError(`${task.name} has no split "${excerpt(split)}": expected one of ${Object.keys(task.splits).join(', ')}`);
  }
  return definition;
}
