import { UfbertError } from '@ufbert/tensor';

/** A tree count or depth that cannot describe an FFF layer (non-integer, negative, too deep). */
export class TreeShapeError extends UfbertError {}

/** No kernel is registered under the requested name, backend and level. */
export class KernelNotFoundError extends UfbertError {}

/** A prepared object was handed to a kernel that did not prepare it, or used after dispose(). */
export class PreparedKernelError extends UfbertError {}

/** Visited-node indices that are not a root-to-leaf path of the layer's trees. */
export class InvalidPathError extends UfbertError {}

/** A kernel choice that cannot run on the tensors at hand (a host kernel on GPU tensors, an unknown backend). */
export class KernelChoiceError extends UfbertError {}

/** A weight that cannot be quantized (NaN, Inf), or int8 tables that do not fit the layer. */
export class QuantizationError extends UfbertError {}

/** A worker of the WASM thread pool that lost a job (no answer within the deadline) or failed running one. */
export class WorkerPoolError extends UfbertError {}

/** Thread options of a kernel that cannot be used (a thread count below 1, a non-integer threshold). */
export class ThreadOptionsError extends UfbertError {}
