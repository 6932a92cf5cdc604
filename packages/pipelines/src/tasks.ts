import { FeatureExtractionPipeline } from './tasks/feature-extraction.js';
import { FillMaskPipeline } from './tasks/fill-mask.js';
import { TextClassificationPipeline } from './tasks/text-classification.js';
import type { TextPipelineParts } from './text-pipeline.js';

/** The tasks ufbert runs, by transformers.js's names, each with its pipeline class (transformers.js's `SUPPORTED_TASKS`). */
export const SUPPORTED_TASKS = {
  'fill-mask': { pipeline: FillMaskPipeline, type: 'text' },
  'text-classification': { pipeline: TextClassificationPipeline, type: 'text' },
  'feature-extraction': { pipeline: FeatureExtractionPipeline, type: 'text' },
} as const satisfies Record<string, { pipeline: new (parts: TextPipelineParts) => unknown; type: 'text' }>;

/** Other names of the same tasks. */
export const TASK_ALIASES = {
  'sentiment-analysis': 'text-classification',
} as const satisfies Record<string, keyof typeof SUPPORTED_TASKS>;

export type TaskName = keyof typeof SUPPORTED_TASKS;
export type TaskAlias = keyof typeof TASK_ALIASES;

/** The pipeline class `pipeline(task)` returns for a task or alias. */
export type PipelineFor<T extends TaskName | TaskAlias> = InstanceType<(typeof SUPPORTED_TASKS)[T extends TaskAlias ? (typeof TASK_ALIASES)[T] : T]['pipeline']>;
