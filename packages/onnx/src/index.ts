export { OnnxExportError, OnnxRuntimeError } from './errors.js';
export { GraphBuilder, FLOAT, INT64, BOOL, OPSET, int, float, ints, type Attribute, type Dim } from './graph-builder.js';
export { gelu } from './gelu-graph.js';
export { conditionalFeedforward, defaultDenseLevels, denseLevelsRange, type FFFGraphWeights } from './conditional-feedforward-graph.js';
export { crammedBertGraph, checkExportable, transpose, INPUT_IDS, ATTENTION_MASK, HIDDEN_STATES, LOGITS, POSITIONS, type GraphHead, type GraphOptions, type StateDict } from './crammed-bert-graph.js';
export { exportOnnx, exportOnnxFromCheckpoint, onnxModelBytes, writeAtomically, type ExportOptions, type ExportResult } from './export.js';
export { OnnxEncoderSession, type OnnxSessionOptions, type GraphOptimization, type EncodedBatch, type EncoderOutputs } from './session.js';
export { runOnnxModelParity, type OnnxParityOptions } from './parity.js';
export { OnnxInferenceRuntime, ONNX_CACHE_DIR, type OnnxRuntimeOptions } from './onnx-runtime.js';
