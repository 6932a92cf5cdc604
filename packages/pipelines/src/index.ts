// @ufbert/pipelines in Node (the package's main entry under the `node` and default conditions; a
// bundler for a page resolves the `browser` condition to ./web.js): pipelines over a model folder,
// an http(s) URL or the files' bytes, onnxruntime-node or tfjs, and the `ufbert` CLI's functions.
export { pipeline, type PipelineOptions } from './pipeline.js';
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
export { loadModelSource, type ModelSourceOptions } from './load-model.js';
export type { LoadedModel } from './loaded-model.js';
export { loadModelParts, checkRuntimeOptions, type OnnxEdge, type RuntimeOptionOwners, type TfjsChoice } from './model-loader.js';
export { taskPipeline, resolveTask, type TaskPipelineOptions } from './task-pipeline.js';
export { downloadModel, type DownloadOptions } from './download-model.js';
export { env, type Env } from './hub/hub-env.js';
export { modelFolder } from './hub/model-name.js';
export { parseHubId, type HubId } from './hub/hub-id.js';
export { bytesReader, type ModelBytes, type ModelSource } from './model-bytes.js';
export { RUNTIMES, chooseRuntime, type Runtime } from './device.js';
export { DEVICES, type Device } from '@ufbert/tensor';
export { resolveDtype, type DtypeChoice } from './dtype.js';
export type { ProgressInfo, ProgressCallback } from './progress.js';
export { PipelineError, ModelLoadError, HubIdError, ModelNotCachedError, DownloadError } from './errors.js';
export { fffRoutes } from './routes.js';
export { fffRoutesOfModel, type TreeRoute, type TokenRoutes } from './fff-routes-of-model.js';
