// @ufbert/pipelines/web: the pipelines and FFF routes over model bytes, for a page: tfjs with
// ufbert's kernels, or onnxruntime-web. No onnxruntime-node and no file I/O on its paths; the
// main entries of @ufbert/tensor and @ufbert/crammed-bert it imports still name node:fs and
// node:path (their file loaders), which a bundler has to leave out (see the README).
export { webPipeline, type WebPipelineOptions } from './web-pipeline.js';
export { fetchModelFiles, type WebModelSourceOptions } from './hub/web-model-files.js';
export { parseHubId, type HubId } from './hub/hub-id.js';
export type { ProgressInfo, ProgressCallback } from './progress.js';
export { loadWebModel, modelFiles, WEB_RUNTIMES, type WebRuntime, type WebModelOptions, type ModelFiles } from './web-model.js';
export { taskPipeline, resolveTask, type TaskPipelineOptions } from './task-pipeline.js';
export { parseModelFiles, type LoadedModel, type ModelFileParts } from './model-parts.js';
export { SUPPORTED_TASKS, TASK_ALIASES, type TaskName, type TaskAlias, type PipelineFor } from './tasks.js';
export { FillMaskPipeline, type FillMaskCandidate, type FillMaskResult, type FillMaskOptions } from './tasks/fill-mask.js';
export { TextClassificationPipeline, type LabelScore, type TextPair, type ClassificationInput, type TextClassificationOptions } from './tasks/text-classification.js';
export { FeatureExtractionPipeline, POOLINGS, type Pooling, type FeatureExtractionOptions } from './tasks/feature-extraction.js';
export { TextPipeline, type TextPipelineParts } from './text-pipeline.js';
export { FeatureTensor, type NestedNumbers } from './feature-tensor.js';
export { MODEL_FILES, HF_CONFIG_FILE, type ModelBytes } from './model-files.js';
export { TfjsDeviceRuntime } from './tfjs-device-runtime.js';
export { resolveDtype, type DtypeChoice, type DtypeRuntime } from './dtype.js';
export { PipelineError, ModelLoadError, HubIdError, ModelNotCachedError, DownloadError } from './errors.js';
export { fffRoutesOfModel, type TreeRoute, type TokenRoutes } from './fff-routes-of-model.js';
