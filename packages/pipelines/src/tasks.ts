import type { OptionTable } from './options-check.js';
import { FEATURE_EXTRACTION_OPTIONS, FeatureExtractionPipeline } from './tasks/feature-extraction.js';
import { FILL_MASK_OPTIONS, FillMaskPipeline } from './tasks/fill-mask.js';
import { TEXT_CLASSIFICATION_OPTIONS, TextClassificationPipeline } from './tasks/text-classification.js';
import type { CallDefaults, TextPipelineParts } from './text-pipeline.js';

/**
 * The tasks ufbert runs, by transformers.js's names, each with its pipeline class (transformers.js's
 * `SUPPORTED_TASKS`) and the options its calls take (which its pipeline also takes, for every call).
 */
export const SUPPORTED_TASKS = {
  'fill-mask': { pipeline: FillMaskPipeline, type: 'text', options: FILL_MASK_OPTIONS },
  'text-classification': { pipeline: TextClassificationPipeline, type: 'text', options: TEXT_CLASSIFICATION_OPTIONS },
  'feature-extraction': { pipeline: FeatureExtractionPipeline, type: 'text', options: FEATURE_EXTRACTION_OPTIONS },
} as const satisfies Record<string, { pipeline: new (parts: TextPipelineParts) => unknown; type: 'text'; options: Partial<OptionTable<CallDefaults>> }>;

/** Other names of the same tasks. */
export const TASK_ALIASES = {
  'sentiment-analysis': 'text-classification',
} as const satisfies Record<string, keyof typeof SUPPORTED_TASKS>;

export type TaskName = keyof typeof SUPPORTED_TASKS;
export type TaskAlias = keyof typeof TASK_ALIASES;

/** The pipeline class `pipeline(task)` returns for a task or alias. */
export type PipelineFor<T extends TaskName | TaskAlias> = InstanceType<
  (typeof SUPPORTED_TASKS)[T extends TaskAlias ? (typeof TASK_ALIASES)[T] : T]['pipeline']
>;
