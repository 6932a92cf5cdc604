import { UfbertError } from '@ufbert/tensor';

/** A model cannot be exported as asked: an unsupported config option, weights that do not fit, an unwritable path. */
export class OnnxExportError extends UfbertError {}

/** An exported model cannot be loaded or run by onnxruntime, or its inputs are not what the graph expects. */
export class OnnxRuntimeError extends UfbertError {}

/** A dtype that is not one of the export's (`fp32`, `q8`), or one a runtime cannot run. */
export class DtypeError extends UfbertError {}
