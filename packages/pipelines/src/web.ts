// @ufbert/pipelines/web: the pipelines and FFF routes over model bytes, for a page: tfjs with
// ufbert's kernels, or onnxruntime-web. No onnxruntime-node and no file I/O on its paths; the
// main entries of @ufbert/tensor and @ufbert/crammed-bert it imports still name node:fs and
// node:path (their file loaders), which a bundler has to leave out (see the README).
export { webPipeline, type WebPipelineOptions } from './web-pipeline.js';
export { loadWebModel, modelFiles, type WebModelOptions, type ModelFiles } from './web-model.js';
export { RUNTIMES, type Runtime } from './device.js';
export { taskPipeline, resolveTask, type TaskPipelineOptions } from './task-pipeline.js';
export { parseModelFiles, type LoadedModel, type ModelFileParts } from './model-parts.js';
export { SUPPORTED_TASKS, TASK_ALIASES, type TaskName, type TaskAlias, type PipelineFor } from './tasks.js';
export { FillMaskPipeline, type FillMaskCandidate, type FillMaskResult, type FillMaskOptions } from './tasks/fill-mask.js';
export { TextClassificationPipeline, type LabelScore, type TextPair, type ClassificationInput, type TextClassificationOptions } from './tasks/text-classification.js';
export { FeatureExtractionPipeline, POOLINGS, type Pooling, type FeatureExtractionOptions } from './tasks/feature-extraction.js';
export { TextPipeline, type TextPipelineParts } from './text-pipeline.js';
export { FeatureTensor, type NestedNumbers } from './feature-tensor.js';
export { MODEL_FILES, HF_CONFIG_FILE, type ModelBytes } from './model-files.js';
export { resolveDtype, type DtypeChoice } from './dtype.js';
export { PipelineError, ModelLoadError } from './errors.js';
export { fffRoutesOfModel, type TreeRoute, type TokenRoutes } from './fff-routes-of-model.js';
