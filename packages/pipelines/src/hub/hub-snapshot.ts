import { modelInfo, pathsInfo, type PathInfo } from '@huggingface/hub';
import { DownloadError, HubIdError, ModelLoadError, ModelNotCachedError } from '../errors.js';
import type { ProgressCallback } from '../progress.js';
import { downloadLimits, type DownloadOptions, type DownloadLimits } from './download-options.js';
import { fetchToFile } from './fetch-file.js';
import { ensureFolder, followedKind } from '@ufbert/tensor/node';
import { FETCHED_FILES, downloadCap, missingRequired } from './hub-files.js';
import { env, hubToken } from './hub-env.js';
import { COMMIT, checkRevision, type HubId } from './hub-id.js';
import { printableUrl } from './redact.js';
import { blobFile, cachedCommit, repoFolder, snapshotContents } from './python-cache.js';
import { publishSnapshot, type SnapshotFile } from './snapshot-writer.js';

/** The hub's API answers (model info, paths-info) are small JSON; a larger one is refused before it is read. */
const API_MAX_BYTES = 16 * 1024 * 1024;

/**
 * The snapshot folder of `id` at `options.revision` (default main) in the Python-layout cache:
 * a cached snapshot that holds the model's files is used with no request at all; otherwise the
 * commit, its files and their digests come from the hub (model info, paths-info), each missing
 * blob is downloaded, bounded and verified, and the snapshot is made visible only when complete.
 */
export async function hubSnapshot(id: HubId, options: DownloadOptions = {}): Promise<string> {
  const revision = checkRevision(options.revision ?? 'main');
  const cacheDir = options.cache_dir ?? env.cacheDir;
  const repoDir = repoFolder(cacheDir, id);
  const notify = options.progress_callback ?? (() => {});
  const cached = await usableSnapshot(repoDir, await cachedCommit(repoDir, revision), id.repo, notify);
  if (cached) return cached;
  if (options.local_files_only || !env.allowRemoteModels) {
    const why = options.local_files_only ? 'local_files_only is set' : 'remote models are off (HF_HUB_OFFLINE or env.allowRemoteModels = false)';
    throw new ModelNotCachedError(
      `${id.repo} (revision ${revision}) is not in the cache ${cacheDir} and ${why}; expected a snapshot holding model.safetensors, tokenizer.json and a config: load it once online (or with huggingface-cli download ${id.repo})`,
    );
  }
  const limits = downloadLimits(options, (message) => new ModelLoadError(message));
  const hub = hubAccess();
  const { commit, files } = await resolveCommit(id, revision, hub);
  const missing = missingRequired(files);
  if (missing)
    throw new ModelLoadError(
      `expected ${id.repo} at ${commit.slice(0, 12)} to hold a crammedBERT model (model.safetensors, tokenizer.json, model_config.json or config.json); it has no ${missing} (files: ${[...files].slice(0, 20).join(', ') || 'none'})`,
    );
  const wanted = FETCHED_FILES.filter((file) => files.has(file));
  const afterMove = await usableSnapshot(repoDir, commit, id.repo, notify);
  if (afterMove) return publishSnapshot(repoDir, commit, [], [], revision === commit ? undefined : revision);
  await ensureFolder(`${repoDir}/blobs`, { what: 'hub cache' });
  const infos = await callHub(() => pathsInfo({ repo: { type: 'model', name: id.repo }, paths: wanted, revision: commit, ...hub.params }), id, revision, hub);
  const present: SnapshotFile[] = [];
  for (const file of wanted) present.push(await downloadBlob(id, commit, file, infos, repoDir, { limits, hub, notify }));
  return publishSnapshot(
    repoDir,
    commit,
    present,
    FETCHED_FILES.filter((file) => !files.has(file)),
    revision === commit ? undefined : revision,
  );
}

async function usableSnapshot(repoDir: string, commit: string | undefined, name: string, notify: ProgressCallback): Promise<string | undefined> {
  if (commit === undefined) return undefined;
  const contents = await snapshotContents(repoDir, commit, FETCHED_FILES);
  if (missingRequired(contents.present)) return undefined;
  for (const file of contents.present) {
    notify({ status: 'initiate', name, file });
    notify({ status: 'done', name, file });
  }
  return contents.folder;
}

interface HubAccess {
  endpoint: string;
  params: { hubUrl: string; accessToken?: string; fetch: typeof fetch };
  authorization: Record<string, string> | undefined;
}

function hubAccess(): HubAccess {
  const endpoint = env.remoteHost.replace(/\/+$/, '');
  let origin: URL;
  try {
    origin = new URL(endpoint);
  } catch {
    throw new ModelLoadError(`expected HF_ENDPOINT / env.remoteHost to be an http(s) URL, got '${printableUrl(endpoint)}'`);
  }
  if (origin.protocol !== 'http:' && origin.protocol !== 'https:')
    throw new ModelLoadError(`expected HF_ENDPOINT / env.remoteHost to be an http(s) URL, got '${printableUrl(endpoint)}'`);
  const token = hubToken();
  if (token !== undefined && !token.startsWith('hf_'))
    throw new ModelLoadError("expected HF_TOKEN to be a hub access token (starting with 'hf_'), got another value (not printed)");
  const apiFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, { ...init, signal: AbortSignal.timeout(60_000) });
    const length = Number(response.headers.get('content-length') ?? 0);
    if (length > API_MAX_BYTES) {
      await response.body?.cancel();
      throw new DownloadError(
        `the hub's answer from ${printableUrl(response.url)} declared ${length} bytes, more than the ${API_MAX_BYTES} an API answer may have`,
        printableUrl(response.url),
      );
    }
    return response;
  };
  return {
    endpoint,
    params: { hubUrl: endpoint, accessToken: token, fetch: apiFetch },
    authorization: token ? { authorization: `Bearer ${token}` } : undefined,
  };
}

/** A hub call with its failures said in our terms: 404 is an unknown repository or revision (a HubIdError), anything else a ModelLoadError. */
async function callHub<T>(call: () => Promise<T>, id: HubId, revision: string, hub: HubAccess): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ModelLoadError) throw error;
    const status = (error as { statusCode?: number }).statusCode;
    const where = `${printableUrl(hub.endpoint)}`;
    if (status === 404)
      throw new HubIdError(
        `expected the hub at ${where} to have the model repository ${id.repo} with revision ${revision}, got 404 (no such repository or revision)`,
      );
    if (status === 401 || status === 403)
      throw new ModelLoadError(`the hub at ${where} refused ${id.repo} (${status}): a private or gated repository needs HF_TOKEN with access to it`);
    if (status !== undefined) throw new ModelLoadError(`expected the hub at ${where} to answer for ${id.repo}, got ${status}`);
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    throw new ModelLoadError(
      `cannot reach the hub at ${where} for ${id.repo}: ${(error as Error).message}${cause ? ` (${cause})` : ''}; HF_HUB_OFFLINE=1 loads from the cache only`,
    );
  }
}

async function resolveCommit(id: HubId, revision: string, hub: HubAccess): Promise<{ commit: string; files: Set<string> }> {
  const info = await callHub(() => modelInfo({ name: id.repo, revision, additionalFields: ['sha', 'filePaths'], ...hub.params }), id, revision, hub);
  const commit = (info as { sha?: unknown }).sha;
  const paths = (info as { filePaths?: unknown }).filePaths;
  if (typeof commit !== 'string' || !COMMIT.test(commit) || !Array.isArray(paths)) {
    throw new ModelLoadError(`expected the hub's model info for ${id.repo} to name a 40-hex commit (sha) and its files (siblings), got neither`);
  }
  return { commit, files: new Set(paths.map(String)) };
}

/** What the hub says a file is: its blob name (etag) and how to check the bytes. */
interface ExpectedBlob {
  etag: string;
  size: number;
  digest: { kind: 'sha256' | 'git-sha1'; value: string };
}

function expectedBlob(id: HubId, file: string, infos: PathInfo[]): ExpectedBlob {
  const info = infos.find((entry) => entry.path === file);
  if (info?.lfs && /^[0-9a-f]{64}$/.test(info.lfs.oid)) return { etag: info.lfs.oid, size: info.lfs.size, digest: { kind: 'sha256', value: info.lfs.oid } };
  if (info?.oid && COMMIT.test(info.oid)) return { etag: info.oid, size: info.size, digest: { kind: 'git-sha1', value: info.oid } };
  throw new ModelLoadError(`expected the hub's paths-info for ${id.repo} to give ${file} an oid (sha1 or LFS sha256), got ${info ? 'none' : 'no entry'}`);
}

async function downloadBlob(
  id: HubId,
  commit: string,
  file: string,
  infos: PathInfo[],
  repoDir: string,
  { limits, hub, notify }: { limits: DownloadLimits; hub: HubAccess; notify: ProgressCallback },
): Promise<SnapshotFile> {
  const name = id.repo;
  const expected = expectedBlob(id, file, infos);
  const url = new URL(`${hub.endpoint}/${id.repo}/resolve/${commit}/${file}`);
  const cap = downloadCap(file);
  if (expected.size > cap)
    throw new DownloadError(`${file} of ${id.repo} is ${expected.size} bytes by the hub's paths-info, more than the ${cap} allowed for it`, printableUrl(url));
  notify({ status: 'initiate', name, file });
  const target = blobFile(repoDir, expected.etag);
  if ((await followedKind(target)) === 'file') {
    notify({ status: 'done', name, file });
    return { file, etag: expected.etag };
  }
  let host: string | undefined;
  const fetched = await fetchToFile(
    url,
    target,
    {
      maxBytes: Math.min(cap, expected.size),
      stallMs: limits.stallMs,
      deadlineMs: limits.deadlineMs,
      headers: hub.authorization,
      // The hub sends a file's bytes from its own storage: one hop from the hub to another host, none after.
      crossOriginRedirect: (from) => from.origin === url.origin,
      onRedirect: (to) => (host = to.origin),
      onStart: () => notify({ status: 'download', name, file, ...(host ? { host } : {}) }),
      onProgress: (loaded, total) => notify({ status: 'progress', name, file, loaded, total, progress: total > 0 ? (100 * loaded) / total : 0 }),
    },
    (got) => verify(got, expected, commit, `${file} of ${id.repo}`, printableUrl(url)),
  );
  if (!fetched) throw new DownloadError(`expected ${file} of ${id.repo} at ${commit.slice(0, 12)} (the hub lists it), got 404`, printableUrl(url));
  notify({ status: 'done', name, file });
  return { file, etag: expected.etag };
}

function verify(
  got: { size: number; sha256: string; gitSha1: string | undefined; headers: Headers },
  expected: ExpectedBlob,
  commit: string,
  what: string,
  url: string,
): void {
  const served = got.headers.get('x-repo-commit');
  if (served !== null && served !== commit)
    throw new DownloadError(`expected ${what} from commit ${commit.slice(0, 12)}, the hub served commit ${served.slice(0, 40)}`, url);
  if (got.size !== expected.size) throw new DownloadError(`expected ${what} to be ${expected.size} bytes (the hub's paths-info), got ${got.size}`, url);
  const actual = expected.digest.kind === 'sha256' ? got.sha256 : got.gitSha1;
  if (actual !== expected.digest.value)
    throw new DownloadError(
      `expected ${what} to have the ${expected.digest.kind} ${expected.digest.value}, got ${actual ?? 'no declared length to hash with'}`,
      url,
    );
}
