import { UfbertError } from '@ufbert/tensor';

/** A pipeline cannot run as asked: an unknown task or option, an input it cannot take (no mask, wrong head). */
export class PipelineError extends UfbertError {}

/** A model could not be read: missing files, a download that failed or stalled, bytes that do not parse. */
export class ModelLoadError extends UfbertError {}

/** A hub id or revision that cannot name a repository (`a/b/c`, `../x`, an empty string), or a revision the hub does not know. */
export class HubIdError extends ModelLoadError {}

/** Offline (`HF_HUB_OFFLINE`, `local_files_only`, `env.allowRemoteModels = false`) and the model is not in the cache. */
export class ModelNotCachedError extends ModelLoadError {}

/**
 * A file could not be downloaded as it must be: a status other than 200, more bytes than the cap,
 * fewer than declared, a digest other than the hub's, a stall, the deadline, a redirect to a host
 * the hub does not use. `url` is the address without credentials or query string.
 */
export class DownloadError extends ModelLoadError {
  constructor(
    message: string,
    readonly url: string,
  ) {
    super(message);
  }
}
