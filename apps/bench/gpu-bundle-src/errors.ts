import { BackendUnavailableError, UfbertError } from '@ufbert/tensor';

/** A command-line flag or environment variable of the GPU bench that is not what it expects. */
export class GpuBenchOptionError extends UfbertError {}

/** The GPU did not answer a wait (a submitted job, a mapping) before its deadline: the device is taken as hung. */
export class GpuDeadlineError extends BackendUnavailableError {}

/** GPU timestamps that cannot be a measurement (more passes than queries, an end before its beginning). */
export class GpuTimingError extends UfbertError {}

/** A results file that would not match apps/bench/results.schema.json. */
export class InvalidResultError extends UfbertError {}
