// @ufbert/onnx/node: onnxruntime-node (one session, or one per worker thread), exports written to
// files and the export cache beside a checkpoint, all through @ufbert/tensor/node's guarded file layer.
export { OnnxExportError, OnnxRuntimeError, DtypeError } from '../errors.js';
export { exportOnnx, exportOnnxFromCheckpoint, type ExportResult } from './export.js';
export { exportTransformersJsFolder, type TransformersJsFolderWriteOptions } from './transformers-js-folder.js';
export { OnnxEncoderSession } from './session.js';
export { SequenceParallelSession, type SequenceParallelOptions } from './sequence-parallel-session.js';
export { OnnxInferenceRuntime, type OnnxRuntimeOptions, type CheckpointParts } from './onnx-runtime.js';
export { runOnnxModelParity, type OnnxParityOptions } from './parity.js';
