// Model files by hub id or URL in a page: no Node built-ins. The files are fetched with
// transformers.js's progress events, checked (declared length, the hub's digests) and kept in
// the Cache API only once all of them are, so a reload runs from the cache with no request.
import { modelInfo, pathsInfo, type PathInfo } from '@huggingface/hub';
import { DownloadError, HubIdError, ModelLoadError, ModelNotCachedError } from '../errors.js';
import type { ProgressCallback } from '../progress.js';
import { FETCHED_FILES, missingRequired } from './hub-files.js';
import { COMMIT, checkRevision, hubIdProblem, parseHubId, type HubId } from './hub-id.js';
import { printableUrl } from './redact.js';

export interface WebModelSourceOptions {
  /** A branch, tag or commit of a hub id (default `main`). */
  revision?: string;
  /** The hub (default https://huggingface.co), transformers.js's `env.remoteHost`. */
  remoteHost?: string;
  /** The Cache API cache the files are kept in (default `ufbert-models`); `false` keeps nothing. */
  cacheName?: string | false;
  /** Use the Cache API only, never the network. */
  local_files_only?: boolean;
  progress_callback?: ProgressCallback;
  /** The most bytes all files together may have (default 2 GiB): a larger model is refused before its download starts. */
  max_model_bytes?: number;
  /** A file that receives no byte for this long fails (milliseconds, default 30000). */
  stall_timeout_ms?: number;
  /** A file that has not arrived whole after this long fails (milliseconds, default 20 minutes). */
  download_timeout_ms?: number;
}

const DEFAULT_MAX_MODEL_BYTES = 2 * 1024 ** 3;
/** The marker kept in the cache for a file the model does not have, so a reload does not ask for it again. */
const ABSENT = 'x-ufbert-absent';

interface PlannedFile {
  file: string;
  url: URL;
  size?: number;
  digest?: { algorithm: 'SHA-256' | 'git-SHA-1'; value: string };
}

/**
 * The files of the model `source` names (a hub id `owner/name` or an http(s) URL of a folder),
 * by file name: from the Cache API when every file is there (no request), otherwise downloaded
 * (a hub id through @huggingface/hub's model info and paths-info), checked, then cached.
 */
export async function fetchModelFiles(source: string | URL, options: WebModelSourceOptions = {}): Promise<Map<string, Uint8Array>> {
  const name = source instanceof URL ? printableUrl(source) : /^https?:\/\//i.test(source) ? printableUrl(source) : source;
  const notify = options.progress_callback ?? (() => {});
  const cache = options.cacheName === false || typeof caches === 'undefined' ? undefined : await caches.open(options.cacheName ?? 'ufbert-models');
  const keys = cacheKeys(source, options);
  const cached = cache && (await fromCache(cache, keys));
  if (cached) {
    for (const file of cached.keys()) {
      notify({ status: 'initiate', name, file });
      notify({ status: 'done', name, file });
    }
    return cached;
  }
  if (options.local_files_only)
    throw new ModelNotCachedError(`${name} is not in this page's cache and local_files_only is set; expected a model loaded once online`);
  const plan = await planDownload(source, options);
  const total = plan.reduce((sum, { size }) => sum + (size ?? 0), 0);
  const cap = options.max_model_bytes ?? DEFAULT_MAX_MODEL_BYTES;
  if (total > cap)
    throw new ModelLoadError(`${name} is ${sizeText(total)}, more than the ${sizeText(cap)} this page allows (max_model_bytes): too large to run here`);
  const files = new Map<string, Uint8Array>();
  let loadedTotal = 0;
  for (const planned of plan) {
    notify({ status: 'initiate', name, file: planned.file });
    const bytes = await fetchChecked(planned, name, { ...options, notify, cap: cap - loadedTotal });
    if (bytes) {
      files.set(planned.file, bytes);
      loadedTotal += bytes.length;
    }
    notify({ status: 'done', name, file: planned.file });
  }
  const absent = missingRequired([...files.keys()]);
  if (absent) throw new DownloadError(`expected ${absent} for ${name} (a model holds model.safetensors, tokenizer.json and a config), got none`, name);
  if (cache) await toCache(cache, keys, files);
  return files;
}

const sizeText = (bytes: number) => (bytes >= 1024 ** 2 ? `${(bytes / 1024 ** 2).toFixed(0)} MB` : `${bytes} bytes`);

function isUrl(source: string | URL): boolean {
  return source instanceof URL || /^https?:\/\//i.test(source);
}

function baseOf(source: string | URL): URL {
  const base = new URL(source);
  if (!base.pathname.endsWith('/')) base.pathname = `${base.pathname}/`;
  return base;
}

function fileUrl(base: URL, file: string): URL {
  const url = new URL(file, base);
  url.search = base.search;
  return url;
}

function hubIdOf(source: string): HubId {
  const problem = hubIdProblem(source);
  if (problem !== undefined) throw new HubIdError(`expected a hub id owner/name or an http(s) URL, got '${source.slice(0, 120)}': as a hub id ${problem}`);
  return parseHubId(source);
}

const hostOf = (options: WebModelSourceOptions) => (options.remoteHost ?? 'https://huggingface.co').replace(/\/+$/, '');

/** The cache key of each file: its URL with the revision as given (as transformers.js keys its cache). */
function cacheKeys(source: string | URL, options: WebModelSourceOptions): Map<string, string> {
  if (isUrl(source)) return new Map(FETCHED_FILES.map((file) => [file, fileUrl(baseOf(source), file).href]));
  const id = hubIdOf(source as string);
  const revision = encodeURIComponent(checkRevision(options.revision ?? 'main'));
  return new Map(FETCHED_FILES.map((file) => [file, `${hostOf(options)}/${id.repo}/resolve/${revision}/${file}`]));
}

async function fromCache(cache: Cache, keys: Map<string, string>): Promise<Map<string, Uint8Array> | undefined> {
  const files = new Map<string, Uint8Array>();
  for (const [file, key] of keys) {
    const response = await cache.match(key);
    if (!response) return undefined;
    if (response.headers.get(ABSENT) === null) files.set(file, new Uint8Array(await response.arrayBuffer()));
  }
  return missingRequired([...files.keys()]) ? undefined : files;
}

async function toCache(cache: Cache, keys: Map<string, string>, files: Map<string, Uint8Array>): Promise<void> {
  for (const [file, key] of keys) {
    const bytes = files.get(file);
    await cache.put(
      key,
      bytes ? new Response(bytes as BlobPart, { headers: { 'content-length': String(bytes.length) } }) : new Response(null, { headers: { [ABSENT]: '1' } }),
    );
  }
}

/** What to fetch: for a hub id, the files its commit has, with their sizes and digests; for a URL, every file (404 for an optional one is fine). */
async function planDownload(source: string | URL, options: WebModelSourceOptions): Promise<PlannedFile[]> {
  if (isUrl(source)) return FETCHED_FILES.map((file) => ({ file, url: fileUrl(baseOf(source), file) }));
  const id = hubIdOf(source as string);
  const revision = checkRevision(options.revision ?? 'main');
  const hubUrl = hostOf(options);
  const call = async <T>(request: () => Promise<T>): Promise<T> => {
    try {
      return await request();
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode;
      if (status === 404)
        throw new HubIdError(`expected the hub at ${printableUrl(hubUrl)} to have the model repository ${id.repo} with revision ${revision}, got 404`);
      throw new ModelLoadError(`cannot get ${id.repo} from the hub at ${printableUrl(hubUrl)}: ${status ?? (error as Error).message}`);
    }
  };
  const info = (await call(() => modelInfo({ name: id.repo, revision, hubUrl, additionalFields: ['sha', 'filePaths'] }))) as {
    sha?: unknown;
    filePaths?: unknown;
  };
  if (typeof info.sha !== 'string' || !COMMIT.test(info.sha) || !Array.isArray(info.filePaths))
    throw new ModelLoadError(`expected the hub's model info for ${id.repo} to name a commit (sha) and its files`);
  const commit = info.sha;
  const listed = new Set(info.filePaths.map(String));
  const missing = missingRequired(listed);
  if (missing) throw new ModelLoadError(`expected ${id.repo} at ${commit.slice(0, 12)} to hold a crammedBERT model; it has no ${missing}`);
  const wanted = FETCHED_FILES.filter((file) => listed.has(file));
  const infos = await call(() => pathsInfo({ repo: { type: 'model', name: id.repo }, paths: wanted, revision: commit, hubUrl }));
  return wanted.map((file) => ({
    file,
    url: new URL(`${hubUrl}/${id.repo}/resolve/${commit}/${file}`),
    ...expected(infos.find((entry) => entry.path === file)),
  }));
}

function expected(info: PathInfo | undefined): Pick<PlannedFile, 'size' | 'digest'> {
  if (info?.lfs) return { size: info.lfs.size, digest: { algorithm: 'SHA-256', value: info.lfs.oid } };
  if (info?.oid) return { size: info.size, digest: { algorithm: 'git-SHA-1', value: info.oid } };
  return {};
}

/** One file's bytes (undefined on 404), bounded by its declared length and the remaining cap, timed, checked against its digest. */
async function fetchChecked(
  planned: PlannedFile,
  name: string,
  options: WebModelSourceOptions & { notify: ProgressCallback; cap: number },
): Promise<Uint8Array | undefined> {
  const { file, url } = planned;
  const where = printableUrl(url);
  const fail = (message: string) => new DownloadError(`download of ${where}: ${message}`, where);
  const stallMs = options.stall_timeout_ms ?? 30_000;
  const abort = new AbortController();
  let reason = '';
  const stop = (why: string) => () => {
    reason = why;
    abort.abort();
  };
  const deadline = setTimeout(stop(`did not finish within ${options.download_timeout_ms ?? 1_200_000} ms`), options.download_timeout_ms ?? 1_200_000);
  let stall = setTimeout(stop(`stalled: no data for ${stallMs} ms`), stallMs);
  try {
    const response = await fetch(url, { signal: abort.signal }).catch((error: Error) => {
      throw fail(abort.signal.aborted ? reason : error.message);
    });
    if (response.status === 404 && planned.size === undefined) return undefined;
    if (response.status !== 200 || !response.body) throw fail(`expected 200 OK, got ${response.status}`);
    const declared = Number(response.headers.get('content-length') ?? NaN);
    const size = planned.size ?? (Number.isSafeInteger(declared) ? declared : undefined);
    if (size !== undefined && size > options.cap) throw fail(`is ${size} bytes, more than the ${options.cap} left of max_model_bytes`);
    if (size !== undefined && Number.isSafeInteger(declared) && declared !== size) throw fail(`declared ${declared} bytes, the hub says ${size}`);
    const host = new URL(response.url || url.href).origin;
    options.notify({ status: 'download', name, file, ...(host !== url.origin ? { host } : {}) });
    const chunks: Uint8Array[] = [];
    let loaded = 0;
    const reader = response.body.getReader();
    for (;;) {
      const chunk = await reader.read().catch((error: Error) => {
        throw fail(abort.signal.aborted ? reason : `failed after ${loaded} bytes: ${error.message}`);
      });
      if (chunk.done) break;
      clearTimeout(stall);
      stall = setTimeout(stop(`stalled: no data for ${stallMs} ms`), stallMs);
      loaded += chunk.value.length;
      if (loaded > (size ?? options.cap)) throw fail(`sent more than ${size ?? options.cap} bytes`);
      chunks.push(chunk.value);
      options.notify({ status: 'progress', name, file, loaded, total: size ?? 0, progress: size ? (100 * loaded) / size : 0 });
    }
    if (size !== undefined && loaded !== size) throw fail(`ended after ${loaded} of ${size} bytes`);
    const bytes = new Uint8Array(loaded);
    let at = 0;
    for (const part of chunks) {
      bytes.set(part, at);
      at += part.length;
    }
    if (planned.digest && (await digestOf(bytes, planned.digest.algorithm)) !== planned.digest.value)
      throw fail(`expected the ${planned.digest.algorithm} ${planned.digest.value}, got other bytes`);
    return bytes;
  } finally {
    clearTimeout(deadline);
    clearTimeout(stall);
  }
}

async function digestOf(bytes: Uint8Array, algorithm: 'SHA-256' | 'git-SHA-1'): Promise<string> {
  let input = bytes;
  if (algorithm === 'git-SHA-1') {
    // git names a blob by the SHA-1 of a header holding its length, then its bytes.
    const header = new TextEncoder().encode(`blob ${bytes.length}\0`);
    input = new Uint8Array(header.length + bytes.length);
    input.set(header);
    input.set(bytes, header.length);
  }
  const digest = await crypto.subtle.digest(algorithm === 'SHA-256' ? 'SHA-256' : 'SHA-1', input as BufferSource);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
