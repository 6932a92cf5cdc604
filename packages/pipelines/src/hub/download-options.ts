import type { ProgressCallback } from '../progress.js';

/** How a model named by hub id or URL is found in the cache or downloaded into it. */
export interface DownloadOptions {
  /** The hub cache (Python's layout). Default `env.cacheDir` (HF_HUB_CACHE, HF_HOME/hub, ~/.cache/huggingface/hub). */
  cache_dir?: string;
  /** A branch, tag or commit of a hub id (default `main`). */
  revision?: string;
  /** Use the cache only, never the network (as `HF_HUB_OFFLINE=1` or `env.allowRemoteModels = false`). */
  local_files_only?: boolean;
  progress_callback?: ProgressCallback;
  /** A download that receives no byte for this long fails (milliseconds, default 30000). */
  stall_timeout_ms?: number;
  /** A file that has not arrived whole after this long fails, however steadily it trickles (milliseconds, default one hour). */
  download_timeout_ms?: number;
}

export interface DownloadLimits {
  stallMs: number;
  deadlineMs: number;
}

export function downloadLimits(options: DownloadOptions, fail: (message: string) => Error): DownloadLimits {
  const stallMs = options.stall_timeout_ms ?? 30_000;
  const deadlineMs = options.download_timeout_ms ?? 3_600_000;
  if (!(stallMs > 0)) throw fail(`stall_timeout_ms must be a positive number of milliseconds, got ${stallMs}`);
  if (!(deadlineMs > 0)) throw fail(`download_timeout_ms must be a positive number of milliseconds, got ${deadlineMs}`);
  return { stallMs, deadlineMs };
}
