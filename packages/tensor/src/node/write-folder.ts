import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ensureFolder, asideName } from './ensure-folder.js';
import { FileLayerError, failFromErrno, fileLayerFailure } from './file-layer-error.js';
import { FILE_LIMITS } from './file-limits.js';
import { checkMemberName, type FolderManifest, FOLDER_MANIFEST_FILE, parseManifest } from './folder-manifest.js';
import { pathKind, listFolder } from './path-kind.js';
import { readJson, sha256Bytes } from './read-file.js';
import { removeStaleTemporaries, temporarySibling } from './temporary-names.js';
import { removePath, syncFolder, writeFileAtomic } from './write-file.js';

export interface WriteFolderOptions {
  /** What the folder holds; recorded in the manifest and compared with the folder it replaces. */
  kind: string;
  /** Replace a folder of another kind (or one without a manifest) too, moving it aside to `<path>.replaced-<time>`. */
  overwrite?: boolean;
}

export interface WriteFolderResult {
  manifest: FolderManifest;
  /** Where an earlier folder of another kind was moved (only with `overwrite`). */
  movedAside?: string;
}

/** A swap that lost a race with another writer is tried again this many times. */
const SWAP_ATTEMPTS = 20;

function toBytes(contents: Uint8Array | string): Uint8Array {
  return typeof contents === 'string' ? new TextEncoder().encode(contents) : contents;
}

/** Writes every file and the manifest into the fresh folder `temporary`. */
async function fillFolder(temporary: string, files: Record<string, Uint8Array | string>, kind: string): Promise<FolderManifest> {
  mkdirSync(temporary);
  const manifest: FolderManifest = { kind, files: {} };
  for (const [name, contents] of Object.entries(files)) {
    const segments = checkMemberName(temporary, name);
    if (segments.length > 1) mkdirSync(join(temporary, ...segments.slice(0, -1)), { recursive: true });
    const bytes = toBytes(contents);
    await writeFileAtomic(join(temporary, ...segments), bytes);
    manifest.files[name] = { size: bytes.length, sha256: sha256Bytes(bytes) };
  }
  await writeFileAtomic(join(temporary, FOLDER_MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  syncFolder(temporary);
  return manifest;
}

/** The kind of the folder at `path` ('' for an empty folder, undefined for one without a readable manifest). */
async function kindOfFolder(path: string): Promise<string | undefined> {
  if (pathKind(join(path, FOLDER_MANIFEST_FILE)) !== 'file') return listFolder(path).length === 0 ? '' : undefined;
  try {
    return parseManifest(
      join(path, FOLDER_MANIFEST_FILE),
      await readJson(join(path, FOLDER_MANIFEST_FILE), { what: 'folder manifest', maxBytes: FILE_LIMITS.manifest }),
    ).kind;
  } catch {
    return undefined;
  }
}

/** Decides what happens to what stands at `path`: 'replace' (same kind), 'aside' (overwrite) or an 'exists'/'link' refusal. */
async function planReplacement(path: string, options: WriteFolderOptions): Promise<'create' | 'replace' | 'aside'> {
  const kind = pathKind(path);
  if (kind === 'missing') return 'create';
  if (kind === 'folder') {
    const existing = await kindOfFolder(path);
    if (existing === '' || existing === options.kind) return 'replace';
    if (options.overwrite) return 'aside';
    const what = existing === undefined ? 'a folder without a ufbert manifest' : `a folder of kind '${existing}'`;
    throw new FileLayerError(
      path,
      'exists',
      `${path}: holds ${what}, expected nothing or a '${options.kind}' folder; choose another folder or pass overwrite (it is moved aside)`,
    );
  }
  if (options.overwrite) return 'aside';
  throw new FileLayerError(
    path,
    kind === 'link' ? 'link' : 'exists',
    `${path}: is a ${kind === 'link' ? 'symbolic link' : kind}, expected nothing or a '${options.kind}' folder; pass overwrite to move it aside`,
  );
}

/** Puts the complete folder `temporary` at `path`, moving what stood there out of the way first. */
function swapIn(temporary: string, path: string, plan: 'create' | 'replace' | 'aside'): string | undefined {
  if (plan === 'create') {
    renameSync(temporary, path);
    return undefined;
  }
  // Linux renames a folder only over an empty one: the old folder goes to a hidden sibling
  // (or `.replaced-<time>`), the new one takes its name. A reader in between finds the name
  // missing for a moment and retries (readFolderSnapshot); it never finds a mix of the two.
  const old = plan === 'aside' ? asideName(path) : temporarySibling(path, 'old');
  renameSync(path, old);
  try {
    renameSync(temporary, path);
  } catch (error) {
    // Another writer's folder took the name in between: an old copy of ours is not kept
    // hidden for ever, and a folder moved aside for nothing goes back where it was.
    if (plan === 'replace') rmSync(old, { recursive: true, force: true });
    else if (pathKind(path) === 'missing') renameSync(old, path);
    throw error;
  }
  return old;
}

/**
 * Writes a complete folder as one unit: every file under a hidden temporary sibling, with
 * `ufbert-manifest.json` ({kind, files: {name: {size, sha256}}}), then swapped into place by
 * rename. A folder of the same kind is replaced; one of another kind (or written by someone
 * else) is refused unless `overwrite`, which moves it aside. Temporaries of killed writes
 * beside `path` are removed first.
 */
export async function writeFolderAtomic(path: string, files: Record<string, Uint8Array | string>, options: WriteFolderOptions): Promise<WriteFolderResult> {
  const parent = dirname(path);
  await ensureFolder(parent, { what: `folder that holds ${path}` });
  removeStaleTemporaries(parent);
  await planReplacement(path, options);
  const temporary = temporarySibling(path);
  try {
    const manifest = await fillFolder(temporary, files, options.kind);
    for (let attempt = 1; ; attempt++) {
      const plan = await planReplacement(path, options);
      try {
        const old = swapIn(temporary, path, plan);
        syncFolder(parent);
        if (plan === 'replace' && old) await removePath(old);
        return { manifest, ...(plan === 'aside' && old ? { movedAside: old } : {}) };
      } catch (error) {
        // Another writer swapped its folder in between the plan and the rename: plan again.
        const code = (error as NodeJS.ErrnoException).code;
        if (attempt >= SWAP_ATTEMPTS || (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'ENOENT')) throw error;
      }
    }
  } catch (error) {
    await removePath(temporary);
    throw failFromErrno(error, path, `write the '${options.kind}' folder`, fileLayerFailure(path));
  }
}
