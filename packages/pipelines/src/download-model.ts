import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ensureFolder, pathKind, writeFileAtomic } from '@ufbert/tensor/node';
import { ModelLoadError } from './errors.js';
import { CONFIG_FILE, HF_CONFIG_FILE, MODEL_FILES } from '@ufbert/crammed-bert';
import type { ProgressCallback } from './progress.js';

export interface DownloadOptions {
  /** Where downloads are kept. Default `$XDG_CACHE_HOME/ufbert` or `~/.cache/ufbert`. */
  cache_dir?: string;
  progress_callback?: ProgressCallback;
  /** A download that receives no byte for this long fails (milliseconds, default 30000). */
  stall_timeout_ms?: number;
}

export function defaultCacheDir(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'ufbert');
}

/**
 * Downloads a model folder served at `url` (model.safetensors, tokenizer.json, a config,
 * tokenizer_config.json when present) into the cache, one folder per URL, and returns that
 * folder. Files already cached are not fetched again; each file is written under a temporary
 * name and renamed when complete, so an interrupted download is never mistaken for a file.
 */
export async function downloadModel(url: URL, options: DownloadOptions = {}): Promise<string> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ModelLoadError(`expected an http(s) URL, got ${url.href}`);
  const stallMs = options.stall_timeout_ms ?? 30_000;
  if (!(stallMs > 0)) throw new ModelLoadError(`stall_timeout_ms must be a positive number of milliseconds, got ${stallMs}`);
  const base = url.href.endsWith('/') ? url : new URL(`${url.href}/`);
  const folder = join(options.cache_dir ?? defaultCacheDir(), createHash('sha256').update(base.href).digest('hex').slice(0, 24));
  // Through the guarded layer: a cache under /proc is refused at once (a recursive mkdir there never returns).
  await ensureFolder(folder, { what: 'download cache folder', fail: (message) => new ModelLoadError(message) });
  const notify = options.progress_callback ?? (() => {});
  const name = url.href;
  for (const { file, required } of MODEL_FILES) {
    const target = join(folder, file);
    notify({ status: 'initiate', name, file });
    if (pathKind(target) === 'file') {
      notify({ status: 'done', name, file });
      continue;
    }
    const bytes = await fetchFile(new URL(file, base), stallMs, (loaded, total) => notify({ status: 'progress', name, file, loaded, total, progress: total > 0 ? (100 * loaded) / total : 0 }), () => notify({ status: 'download', name, file }));
    if (bytes === undefined) {
      if (required) throw new ModelLoadError(`expected ${new URL(file, base).href} (a model folder holds ${file}), got 404 Not Found`);
      notify({ status: 'done', name, file });
      continue;
    }
    await writeFileAtomic(target, bytes, { what: 'downloaded model file', fail: (message) => new ModelLoadError(message) });
    notify({ status: 'done', name, file });
  }
  if (pathKind(join(folder, CONFIG_FILE)) !== 'file' && pathKind(join(folder, HF_CONFIG_FILE)) !== 'file') throw new ModelLoadError(`expected model_config.json or config.json under ${base.href}, got 404 Not Found for both`);
  return folder;
}

/** A file's bytes; undefined on 404. Any other status, a reset connection or a stall fails with the URL in the message. */
async function fetchFile(url: URL, stallMs: number, onProgress: (loaded: number, total: number) => void, onStart: () => void): Promise<Uint8Array | undefined> {
  const abort = new AbortController();
  let timer = setTimeout(() => abort.abort(), stallMs);
  const stalled = () => new ModelLoadError(`download of ${url.href} stalled: no data for ${stallMs} ms`);
  try {
    let response: Response;
    try {
      response = await fetch(url, { signal: abort.signal });
    } catch (error) {
      throw abort.signal.aborted ? stalled() : new ModelLoadError(`cannot fetch ${url.href}: ${causeOf(error)}`);
    }
    if (response.status === 404) {
      await response.body?.cancel();
      return undefined;
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      throw new ModelLoadError(`expected 200 OK from ${url.href}, got ${response.status} ${response.statusText}`);
    }
    onStart();
    const total = Number(response.headers.get('content-length') ?? 0);
    const chunks: Uint8Array[] = [];
    let loaded = 0;
    const reader = response.body.getReader();
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        throw abort.signal.aborted ? stalled() : new ModelLoadError(`download of ${url.href} failed after ${loaded} bytes: ${causeOf(error)}`);
      }
      if (chunk.done) break;
      clearTimeout(timer);
      timer = setTimeout(() => abort.abort(), stallMs);
      chunks.push(chunk.value);
      loaded += chunk.value.length;
      onProgress(loaded, total);
    }
    if (total > 0 && loaded !== total) throw new ModelLoadError(`download of ${url.href} ended after ${loaded} of ${total} bytes`);
    const bytes = new Uint8Array(loaded);
    let at = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, at);
      at += chunk.length;
    }
    return bytes;
  } finally {
    clearTimeout(timer);
  }
}

/** Node's fetch reports network failures as "fetch failed" with the reason in `cause`. */
function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause ? `${(error as Error).message} (${cause.code ?? cause.message})` : (error as Error).message;
}
