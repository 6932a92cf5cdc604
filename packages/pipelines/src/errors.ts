import { UfbertError } from '@ufbert/tensor';

/** A pipeline cannot run as asked: an unknown task or option, an input it cannot take (no mask, wrong head). */
export class PipelineError extends UfbertError {}

/** A model could not be read: missing files, a download that failed or stalled, bytes that do not parse. */
export class ModelLoadError extends UfbertError {}
