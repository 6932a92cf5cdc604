// @ufbert/onnx: the ONNX export (graph builder, conditional FFF in standard ops, fp32 and q8) and the
// runtime-independent session wrapper. No Node built-ins and no onnxruntime binding: onnxruntime-node
// and the files are in @ufbert/onnx/node, onnxruntime-web in @ufbert/onnx/web.
export { OnnxExportError, OnnxRuntimeError, DtypeError } from './errors.js';
export { DTYPES, parseDtype, type Dtype } from './dtype.js';
export { GraphBuilder, FLOAT, INT64, BOOL, INT8, OPSET, int, float, ints, type Attribute, type Dim } from './graph-builder.js';
export { gelu } from './gelu-graph.js';
export { conditionalFeedforward, defaultDenseLevels, denseLevelsRange, type FFFGraphWeights } from './conditional-feedforward-graph.js';
export { transpose } from './transpose.js';
export { quantizedMatMul } from './quantized-matmul-graph.js';
export { quantizeColumns, type QuantizedMatrix } from './quantize.js';
export {
  crammedBertGraph,
  checkExportable,
  INPUT_IDS,
  ATTENTION_MASK,
  HIDDEN_STATES,
  LOGITS,
  POSITIONS,
  ROUTES,
  LAST_HIDDEN_STATE,
  type GraphHead,
  type GraphOptions,
  type StateDict,
} from './crammed-bert-graph.js';
export { onnxModelBytes, type ExportOptions } from './onnx-model-bytes.js';
export {
  EncoderSession,
  type OnnxSessionOptions,
  type GraphOptimization,
  type Parallelism,
  type EncodedBatch,
  type EncoderOutputs,
  type EncoderRunner,
  type OrtApi,
} from './encoder-session.js';
export { EncoderSessionRuntime, runtimeHead } from './encoder-session-runtime.js';
export { transformersJsFolderFiles, huggingFaceConfig, type TransformersJsFolderOptions, type TransformersJsFolderSource } from './transformers-js-folder.js';
