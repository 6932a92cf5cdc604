import { join } from 'node:path';
import { COMMIT, type HubId } from './hub-id.js';
import { followedKind, pathKind, readText } from '@ufbert/tensor/node';

// The cache layout of Python's huggingface_hub (file_download.py), which both sides read and write:
//   <cache>/models--<owner>--<name>/blobs/<etag>              a file's bytes, named by the hub's etag (LFS: its sha256; else its git oid)
//   <cache>/models--<owner>--<name>/refs/<revision>            the commit a branch or tag named when it was resolved
//   <cache>/models--<owner>--<name>/snapshots/<commit>/<file>  a relative link ../../blobs/<etag>
//   <cache>/models--<owner>--<name>/.no_exist/<commit>/<file>  an empty file: the commit has no such file (so it is not asked for again)

/** The repository's folder in the cache. */
export function repoFolder(cacheDir: string, id: HubId): string {
  return join(cacheDir, `models--${id.owner}--${id.name}`);
}

export const snapshotFolder = (repoDir: string, commit: string) => join(repoDir, 'snapshots', commit);
export const noExistFile = (repoDir: string, commit: string, file: string) => join(repoDir, '.no_exist', commit, file);
export const refFile = (repoDir: string, revision: string) => join(repoDir, 'refs', ...revision.split('/'));
export const blobFile = (repoDir: string, etag: string) => join(repoDir, 'blobs', etag);
/** What huggingface_hub writes into a snapshot for a top-level file: a link relative to the snapshot folder. */
export const blobLinkTarget = (etag: string) => `../../blobs/${etag}`;

/** The commit `revision` names in the cache: the revision itself when it is a commit, else its ref file; undefined when never resolved. */
export async function cachedCommit(repoDir: string, revision: string): Promise<string | undefined> {
  if (COMMIT.test(revision)) return revision;
  const path = refFile(repoDir, revision);
  if (pathKind(path) !== 'file') return undefined;
  const commit = (await readText(path, { what: `the cached ref ${revision}`, maxBytes: 1024 })).trim();
  return COMMIT.test(commit) ? commit : undefined;
}

/** What a snapshot holds of `files`: present (a link or file that leads to a regular file), known missing (.no_exist), or unknown. */
export interface SnapshotContents {
  folder: string;
  present: string[];
  missing: string[];
  unknown: string[];
}

export async function snapshotContents(repoDir: string, commit: string, files: readonly string[]): Promise<SnapshotContents> {
  const folder = snapshotFolder(repoDir, commit);
  const contents: SnapshotContents = { folder, present: [], missing: [], unknown: [] };
  for (const file of files) {
    if ((await followedKind(join(folder, file))) === 'file') contents.present.push(file);
    else if (pathKind(noExistFile(repoDir, commit, file)) === 'file') contents.missing.push(file);
    else contents.unknown.push(file);
  }
  return contents;
}
