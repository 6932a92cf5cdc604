import { dirname, join } from 'node:path';
import { ensureFolder, removePath, renameFolderInto, replaceWithLink, stagingFolderFor, writeFileAtomic } from '@ufbert/tensor/node';
import { blobLinkTarget, noExistFile, refFile, snapshotFolder } from './python-cache.js';

const LINK = { what: 'snapshot file' };

/** A file of a snapshot whose verified blob is already in `blobs/`. */
export interface SnapshotFile {
  file: string;
  etag: string;
}

/**
 * Makes a commit's snapshot visible once all its blobs are verified: the files the commit lacks
 * recorded under .no_exist, the links made in a temporary folder renamed onto snapshots/<commit>
 * in one step (into an existing snapshot, e.g. one Python filled in part, each link is replaced
 * atomically), and only then `ref` pointed at the commit.
 */
export async function publishSnapshot(
  repoDir: string,
  commit: string,
  present: readonly SnapshotFile[],
  missing: readonly string[],
  ref: string | undefined,
): Promise<string> {
  if (missing.length) await ensureFolder(join(repoDir, '.no_exist', commit), { what: 'hub cache' });
  for (const file of missing) await writeFileAtomic(noExistFile(repoDir, commit, file), '', { what: 'marker of a file the commit lacks' });
  const folder = snapshotFolder(repoDir, commit);
  const staging = stagingFolderFor(folder);
  await ensureFolder(staging, { what: 'hub cache' });
  try {
    // The staging folder sits beside snapshots/<commit>, so the same relative link is right in both.
    for (const { file, etag } of present) await replaceWithLink(join(staging, file), blobLinkTarget(etag), LINK);
    if (!(await renameFolderInto(staging, folder, { what: 'snapshot' })))
      for (const { file, etag } of present) await replaceWithLink(join(folder, file), blobLinkTarget(etag), LINK);
  } finally {
    await removePath(staging);
  }
  if (ref !== undefined) {
    const path = refFile(repoDir, ref);
    await ensureFolder(dirname(path), { what: 'hub cache' });
    await writeFileAtomic(path, commit, { what: `ref ${ref}` });
  }
  return folder;
}
