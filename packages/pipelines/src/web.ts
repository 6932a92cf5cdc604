// @ufbert/pipelines for a page (the package's `browser` condition, and @ufbert/pipelines/web): the
// pipelines and FFF routes over model bytes, on tfjs with ufbert's kernels or onnxruntime-web. No
// Node built-in is reachable from here: the main entries of @ufbert/crammed-bert and @ufbert/onnx it imports hold none.
export { webPipeline, webPipeline as pipeline, type WebPipelineOptions } from './web-pipeline.js';
export { loadWebModel, modelFiles, type WebModelOptions } from './web-model.js';
export { loadModelParts, checkRuntimeOptions, type OnnxEdge, type RuntimeOptionOwners, type TfjsChoice } from './model-loader.js';
export { RUNTIMES, type Runtime } from './device.js';
export { fetchModelFiles, type WebModelSourceOptions } from './hub/web-model-files.js';
export { parseHubId, type HubId } from './hub/hub-id.js';
export type { ProgressInfo, ProgressCallback } from './progress.js';
export { taskPipeline, resolveTask, type TaskPipelineOptions } from './task-pipeline.js';
export type { LoadedModel } from './loaded-model.js';
export { MODEL_FILES } from '@ufbert/crammed-bert';
export { SUPPORTED_TASKS, TASK_ALIASES, type TaskName, type TaskAlias, type PipelineFor } from './tasks.js';
export { FillMaskPipeline, type FillMaskCandidate, type FillMaskResult, type FillMaskOptions } from './tasks/fill-mask.js';
export {
  TextClassificationPipeline,
  type LabelScore,
  type TextPair,
  type ClassificationInput,
  type TextClassificationOptions,
} from './tasks/text-classification.js';
export { FeatureExtractionPipeline, POOLINGS, type Pooling, type FeatureExtractionOptions } from './tasks/feature-extraction.js';
export { TextPipeline, type TextPipelineParts } from './text-pipeline.js';
export { FeatureTensor, type NestedNumbers } from './feature-tensor.js';
export { bytesReader, type ModelBytes } from './model-bytes.js';
export { resolveDtype, type DtypeChoice } from './dtype.js';
export { PipelineError, ModelLoadError, HubIdError, ModelNotCachedError, DownloadError } from './errors.js';
export { fffRoutesOfModel, type TreeRoute, type TokenRoutes } from './fff-routes-of-model.js';
