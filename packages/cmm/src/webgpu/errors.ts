import { UfbertError } from '@ufbert/tensor';

/** A buffer, dispatch or shader needs more than the adapter allows; the message names the limit. */
export class WebGpuLimitError extends UfbertError {}

/** The device rejected a program (validation) or ran out of memory while running it. */
export class WebGpuExecutionError extends UfbertError {}
