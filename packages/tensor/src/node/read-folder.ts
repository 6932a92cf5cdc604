import { statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { FileLayerError, type FileLayerReason } from './file-layer-error.js';
import { FILE_LIMITS } from './file-limits.js';
import { checkMemberName, type FolderManifest, FOLDER_MANIFEST_FILE, parseManifest } from './folder-manifest.js';
import { pathKind } from './path-kind.js';
import { readBytes, readJson, sha256Bytes } from './read-file.js';
import { hasTemporaryOf, restoreInterruptedSwaps } from './temporary-names.js';

export interface ReadFolderOptions {
  /** The largest size accepted for each name (bytes; see FILE_LIMITS), or one limit for all. */
  maxBytes: number | Readonly<Record<string, number>>;
  /** Names that may be absent (a `labels.json` only classifiers have); absent ones are left out of `files`. */
  optional?: readonly string[];
  /** Says what the folder is, in messages: `model folder`. */
  what?: string;
  /** How long to keep retrying reads that raced a writer, in ms; default 10 s. */
  patienceMs?: number;
}

export interface FolderSnapshot {
  /** The manifest the files were checked against; undefined for a folder without one (written by Python, say), read as is. */
  manifest?: FolderManifest;
  /** The bytes of each name read, all of one version of the folder. */
  files: Record<string, Uint8Array>;
}

/** A read that met a write under way: the caller tries again. */
class RacedWrite extends Error {}

function limitOf(options: ReadFolderOptions, name: string): number {
  if (typeof options.maxBytes === 'number') return options.maxBytes;
  if (!Object.hasOwn(options.maxBytes, name)) throw new FileLayerError(name, 'io', `no size limit given for '${name}' (expected one in maxBytes)`);
  return options.maxBytes[name];
}

async function readManifest(folder: string): Promise<FolderManifest | undefined> {
  const file = join(folder, FOLDER_MANIFEST_FILE);
  try {
    return parseManifest(file, await readJson(file, { what: 'folder manifest', maxBytes: FILE_LIMITS.manifest }));
  } catch (error) {
    if (error instanceof FileLayerError && error.reason === 'missing') return undefined;
    throw error;
  }
}

/** The folder's identity (device and inode), undefined when nothing is there: a swap puts another folder in its place. */
function identityOf(folder: string): string | undefined {
  try {
    const stats = statSync(folder);
    return `${stats.dev}:${stats.ino}`;
  } catch {
    return undefined;
  }
}

/** One attempt: the manifest, then each file, each checked against the manifest's size and digest. */
async function attempt(folder: string, names: readonly string[], options: ReadFolderOptions): Promise<FolderSnapshot> {
  const identity = identityOf(folder);
  const manifest = await readManifest(folder);
  const optional = new Set(options.optional ?? []);
  const files: Record<string, Uint8Array> = {};
  for (const name of names) {
    const segments = checkMemberName(folder, name);
    const path = join(folder, ...segments);
    const entry = manifest && Object.hasOwn(manifest.files, name) ? manifest.files[name] : undefined;
    if (manifest && !entry) {
      if (optional.has(name)) continue;
      throw new FileLayerError(path, 'missing', `${path}: the ${options.what ?? 'folder'}'s manifest lists no '${name}', expected one`);
    }
    let bytes: Uint8Array;
    try {
      bytes = await readBytes(path, { what: `file of the ${options.what ?? 'folder'}`, maxBytes: limitOf(options, name) });
    } catch (error) {
      // A file gone since the manifest was read: the folder was swapped meanwhile.
      if (manifest && error instanceof FileLayerError && error.reason === 'missing') throw new RacedWrite();
      if (!manifest && optional.has(name) && error instanceof FileLayerError && error.reason === 'missing') continue;
      throw error;
    }
    if (entry && (bytes.length !== entry.size || sha256Bytes(bytes) !== entry.sha256)) throw new RacedWrite();
    files[name] = bytes;
  }
  // No manifest to check the files against: they are one version only if the folder read is the one that stood there
  // throughout (a folder swapped away mid-read also reads as "no manifest, no files").
  if (!manifest && (identity === undefined || identityOf(folder) !== identity)) throw new RacedWrite();
  return { ...(manifest ? { manifest } : {}), files };
}

/** Whether a folder missing now may be one being swapped (a writer's temporary stands beside it). */
function swapUnderWay(folder: string): boolean {
  return hasTemporaryOf(dirname(folder), basename(folder));
}

/**
 * Reads `names` from `folder` as one consistent snapshot: every file is checked against the
 * size and SHA-256 the folder's manifest gives it, and a read that raced a writer (a digest
 * of another version, a file or the folder gone for a moment) starts over, so the result is
 * exactly one written version, never a mix. A folder without a manifest is read as is.
 */
export async function readFolderSnapshot(folder: string, names: readonly string[], options: ReadFolderOptions): Promise<FolderSnapshot> {
  const deadline = Date.now() + (options.patienceMs ?? 10_000);
  let lastReason: FileLayerReason = 'io';
  for (let tries = 0; ; tries++) {
    // A swap killed between its two renames left the name missing: its old folder is put back first.
    if (pathKind(folder) === 'missing') restoreInterruptedSwaps(dirname(folder));
    const kind = pathKind(folder);
    if (kind === 'missing' && !swapUnderWay(folder)) throw new FileLayerError(folder, 'missing', `${folder}: no such ${options.what ?? 'folder'}`);
    if (kind !== 'missing') {
      try {
        return await attempt(folder, names, options);
      } catch (error) {
        if (!(error instanceof RacedWrite)) throw error;
        lastReason = 'io';
      }
    } else {
      lastReason = 'missing';
    }
    if (Date.now() > deadline) {
      throw new FileLayerError(
        folder,
        lastReason,
        `${folder}: the ${options.what ?? 'folder'} kept changing while it was read (${tries + 1} tries); expected its files to match its manifest`,
      );
    }
    // Short waits first (a swap takes microseconds), longer ones if a writer keeps at it.
    await new Promise((resolve) => setTimeout(resolve, Math.min(50, tries)));
  }
}
