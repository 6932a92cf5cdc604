import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { DownloadError, ModelLoadError, ModelNotCachedError } from './errors.js';
import { downloadLimits, type DownloadOptions } from './hub/download-options.js';
import { fetchToFile } from './hub/fetch-file.js';
import { ensureFolder } from '@ufbert/tensor/node';
import { FETCHED_FILES, downloadCap, missingRequired } from './hub/hub-files.js';
import { env } from './hub/hub-env.js';
import { cachedCommit, snapshotContents } from './hub/python-cache.js';
import { printableUrl } from './hub/redact.js';
import { publishSnapshot, type SnapshotFile } from './hub/snapshot-writer.js';

export type { DownloadOptions } from './hub/download-options.js';

/** A model served at a plain URL is cached like a hub repository of its own, under a name no hub id can have. */
function urlRepoFolder(cacheDir: string, base: URL): string {
  return join(cacheDir, `urls--${createHash('sha256').update(base.href).digest('hex').slice(0, 32)}`);
}

/** The same ref for every URL: a URL has one version, the last complete download. */
const URL_REF = 'main';

/**
 * Downloads a model folder served at `url` (model.safetensors, tokenizer.json, a config, the
 * optional tokenizer files) into the cache with the hub's rules, and returns the snapshot folder:
 * each file streamed to a temporary name, bounded, named by its SHA-256 once whole; the snapshot
 * made visible only when every file is there; optional files that 404 remembered, so the next
 * load (offline too) asks for nothing. `user:password` in the URL is sent as Basic authorization
 * to that host only and never printed; the query string is kept on every file's URL; a redirect
 * to another host is refused.
 */
export async function downloadModel(url: URL, options: DownloadOptions = {}): Promise<string> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ModelLoadError(`expected an http(s) URL, got ${printableUrl(url)}`);
  const { base, authorization } = splitCredentials(url);
  const name = printableUrl(base);
  const repoDir = urlRepoFolder(options.cache_dir ?? env.cacheDir, base);
  const notify = options.progress_callback ?? (() => {});
  const commit = await cachedCommit(repoDir, URL_REF);
  if (commit !== undefined) {
    const contents = await snapshotContents(repoDir, commit, FETCHED_FILES);
    if (!missingRequired(contents.present)) {
      for (const file of contents.present) {
        notify({ status: 'initiate', name, file });
        notify({ status: 'done', name, file });
      }
      return contents.folder;
    }
  }
  if (options.local_files_only || !env.allowRemoteModels)
    throw new ModelNotCachedError(
      `${name} is not in the cache ${repoDir} and downloads are off (local_files_only, HF_HUB_OFFLINE or env.allowRemoteModels = false)`,
    );
  const limits = downloadLimits(options, (message) => new ModelLoadError(message));
  await ensureFolder(join(repoDir, 'blobs'), { what: 'download cache' });
  const present: SnapshotFile[] = [];
  const missing: string[] = [];
  for (const file of FETCHED_FILES) {
    const fileUrl = new URL(file, base);
    fileUrl.search = base.search;
    notify({ status: 'initiate', name, file });
    const fetched = await fetchToFile(fileUrl, (got) => join(repoDir, 'blobs', got.sha256), {
      maxBytes: downloadCap(file),
      stallMs: limits.stallMs,
      deadlineMs: limits.deadlineMs,
      headers: authorization,
      crossOriginRedirect: () => false,
      partialBeside: join(repoDir, 'blobs', 'download'),
      onStart: () => notify({ status: 'download', name, file }),
      onProgress: (loaded, total) => notify({ status: 'progress', name, file, loaded, total, progress: total > 0 ? (100 * loaded) / total : 0 }),
    });
    if (fetched) present.push({ file, etag: fetched.sha256 });
    else missing.push(file);
    notify({ status: 'done', name, file });
  }
  const absent = missingRequired(present.map(({ file }) => file));
  if (absent)
    throw new DownloadError(`expected ${absent} under ${name} (a model folder holds model.safetensors, tokenizer.json and a config), got 404 Not Found`, name);
  // The snapshot's name stands for its contents: the same bytes downloaded twice make the same snapshot.
  const version = createHash('sha256')
    .update(JSON.stringify(present.map(({ file, etag }) => [file, etag])))
    .digest('hex')
    .slice(0, 40);
  return publishSnapshot(repoDir, version, present, missing, URL_REF);
}

/** The URL without `user:password` (fetch refuses a URL holding them), and those as a Basic Authorization header. */
function splitCredentials(url: URL): { base: URL; authorization: Record<string, string> | undefined } {
  const base = new URL(url.href);
  if (!base.pathname.endsWith('/')) base.pathname = `${base.pathname}/`;
  if (!base.username && !base.password) return { base, authorization: undefined };
  const credentials = `${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}`;
  base.username = '';
  base.password = '';
  return { base, authorization: { authorization: `Basic ${Buffer.from(credentials).toString('base64')}` } };
}
