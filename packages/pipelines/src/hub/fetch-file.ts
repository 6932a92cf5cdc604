import { createHash } from 'node:crypto';
import { DownloadError } from '../errors.js';
import { createStreamedFile } from '@ufbert/tensor/node';
import { printableUrl } from './redact.js';

export interface FetchFileOptions {
  /** Refused before any byte is read when the declared length is larger, and cut off when an undeclared body grows past it. */
  maxBytes: number;
  /** No byte for this long fails the download (milliseconds). */
  stallMs: number;
  /** The whole file, headers to last byte, must arrive within this (milliseconds): a trickle that never stalls still ends. */
  deadlineMs: number;
  /** Sent to the first host only (a token is never forwarded to file storage). */
  headers?: Record<string, string>;
  /** Whether a redirect from `from` to `to` (another origin) may be followed; same-origin redirects always are. */
  crossOriginRedirect: (from: URL, to: URL) => boolean;
  onRedirect?: (to: URL) => void;
  /** The body starts: its declared length (0 when undeclared). */
  onStart?: (total: number) => void;
  onProgress?: (loaded: number, total: number) => void;
  /** Where the temporary file goes (its name plus a random suffix) when `target` is named only once the bytes are known. */
  partialBeside?: string;
}

/** A file fetched to disk: its length, SHA-256 (the hub's LFS oid) and git blob SHA-1 (the hub's oid of a non-LFS file), and the first response's headers. */
export interface FetchedFile {
  size: number;
  sha256: string;
  /** Undefined when the length was not declared. */
  gitSha1: string | undefined;
  headers: Headers;
}

const MAX_REDIRECTS = 5;

/**
 * Streams `url` to `target` through a temporary sibling that is renamed onto `target` only once
 * every declared byte arrived; returns undefined on 404 (nothing written). A function `target`
 * names the file from its digests (a blob named by its SHA-256) and `partialBeside` by nothing yet. `check` sees the
 * digests before the rename and throws to refuse the file. Any failure removes the temporary file.
 */
export async function fetchToFile(
  url: URL,
  target: string | ((file: FetchedFile) => string),
  options: FetchFileOptions,
  check: (file: FetchedFile) => void = () => {},
): Promise<FetchedFile | undefined> {
  const abort = new AbortController();
  let reason = '';
  const stop = (why: string) => {
    reason = why;
    abort.abort();
  };
  const deadline = setTimeout(() => stop(`did not finish within ${options.deadlineMs} ms`), options.deadlineMs);
  let stall = setTimeout(() => stop(`stalled: no data for ${options.stallMs} ms`), options.stallMs);
  const restartStall = () => {
    clearTimeout(stall);
    stall = setTimeout(() => stop(`stalled: no data for ${options.stallMs} ms`), options.stallMs);
  };
  // Named by the URL asked for (it says which file), with the host a redirect led to.
  const fail = (message: string, at: URL = url) =>
    new DownloadError(`download of ${printableUrl(url)}${at.origin !== url.origin ? ` (from ${at.origin})` : ''}: ${message}`, printableUrl(url));
  try {
    const { response, at, first } = await follow(url, options, abort.signal, () => (abort.signal.aborted ? fail(reason) : undefined), fail);
    if (response.status === 404) {
      await response.body?.cancel();
      return undefined;
    }
    if (response.status !== 200 || !response.body) {
      await response.body?.cancel();
      throw fail(`expected 200 OK, got ${response.status} ${response.statusText}`, at);
    }
    const declared = response.headers.get('content-length');
    const total = declared === null ? 0 : Number(declared);
    if (declared !== null && !(Number.isSafeInteger(total) && total >= 0))
      throw fail(`declared a Content-Length of '${declared.slice(0, 40)}', expected a byte count`, at);
    if (total > options.maxBytes) {
      await response.body.cancel();
      throw fail(`declared ${total} bytes, more than the ${options.maxBytes} allowed for this file`, at);
    }
    options.onStart?.(total);
    const sink = await createStreamedFile(typeof target === 'string' ? target : (options.partialBeside ?? ''), { what: `download of ${printableUrl(url)}` });
    try {
      const sha256 = createHash('sha256');
      // git's blob id hashes a header holding the length first: known up front only when declared (the hub always declares it).
      const gitSha1 = declared === null ? undefined : createHash('sha1').update(`blob ${total}\0`);
      let loaded = 0;
      const reader = response.body.getReader();
      for (;;) {
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await reader.read();
        } catch (error) {
          throw abort.signal.aborted ? fail(reason, at) : fail(`failed after ${loaded} bytes: ${causeOf(error)}`, at);
        }
        if (chunk.done) break;
        restartStall();
        loaded += chunk.value.length;
        if (loaded > options.maxBytes || (total > 0 && loaded > total)) {
          await reader.cancel();
          throw fail(`sent more than ${total > 0 ? `the declared ${total}` : `the ${options.maxBytes} allowed`} bytes`, at);
        }
        sha256.update(chunk.value);
        gitSha1?.update(chunk.value);
        await sink.write(chunk.value);
        options.onProgress?.(loaded, total);
      }
      if (declared !== null && loaded !== total) throw fail(`ended after ${loaded} of the declared ${total} bytes`, at);
      const fetched: FetchedFile = { size: loaded, sha256: sha256.digest('hex'), gitSha1: gitSha1?.digest('hex'), headers: first.headers };
      check(fetched);
      await sink.finish(typeof target === 'string' ? target : target(fetched));
      return fetched;
    } finally {
      await sink.discard();
    }
  } catch (error) {
    if (abort.signal.aborted && !(error instanceof DownloadError)) throw fail(reason);
    throw error;
  } finally {
    clearTimeout(deadline);
    clearTimeout(stall);
  }
}

interface Followed {
  response: Response;
  /** Where the body comes from. */
  at: URL;
  /** The first host's response (a redirect carries the hub's X-Repo-Commit and X-Linked-Etag). */
  first: Response;
}

/**
 * Follows redirects by hand: same-origin ones always, another origin only where
 * `crossOriginRedirect` allows it (the hub's file storage), and never with the first host's
 * headers (an Authorization token stays with the hub). At most MAX_REDIRECTS hops.
 */
async function follow(
  url: URL,
  options: FetchFileOptions,
  signal: AbortSignal,
  aborted: () => DownloadError | undefined,
  fail: (message: string, at?: URL) => DownloadError,
): Promise<Followed> {
  let at = url;
  let first: Response | undefined;
  for (let hop = 0; ; hop++) {
    let response: Response;
    try {
      // identity: the declared length is then the file's, and the digests are of the file's bytes, not of a compressed form.
      const headers = { 'accept-encoding': 'identity', ...(at.origin === url.origin ? options.headers : {}) };
      response = await fetch(at, { signal, redirect: 'manual', headers });
    } catch (error) {
      throw aborted() ?? fail(`failed: ${causeOf(error)}`, at);
    }
    first ??= response;
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || location === null) return { response, at, first };
    await response.body?.cancel();
    if (hop === MAX_REDIRECTS) throw fail(`was redirected more than ${MAX_REDIRECTS} times`, url);
    const next = new URL(location, at);
    if (next.protocol !== 'http:' && next.protocol !== 'https:') throw fail(`was redirected to a ${next.protocol} URL, expected http(s)`, at);
    if (next.origin !== at.origin) {
      if (!options.crossOriginRedirect(at, next))
        throw fail(`was redirected to another host (${printableUrl(next)}), which only the hub's own file storage may be`, at);
      options.onRedirect?.(next);
    }
    at = next;
  }
}

/** Node's fetch reports network failures as "fetch failed" with the reason in `cause`. */
function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause ? `${(error as Error).message} (${cause.code ?? cause.message})` : (error as Error).message;
}
