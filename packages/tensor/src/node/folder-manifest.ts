import { FileLayerError } from './file-layer-error.js';

/** The manifest a folder written as a unit carries: what it is and every file's size and digest. */
export const FOLDER_MANIFEST_FILE = 'ufbert-manifest.json';

export interface FolderManifest {
  /** What the folder holds (`crammed-bert-model`, `glue-classifier`, ...); a folder of one kind is not silently replaced by another. */
  kind: string;
  files: Record<string, { size: number; sha256: string }>;
}

/** Checks a parsed manifest's shape; reason 'io' names what is wrong. */
export function parseManifest(path: string, value: unknown): FolderManifest {
  const bad = (why: string): FileLayerError =>
    new FileLayerError(path, 'io', `${path}: is not a folder manifest (${why}); expected {kind, files: {name: {size, sha256}}}`);
  if (typeof value !== 'object' || value === null) throw bad('not an object');
  const { kind, files } = value as Partial<FolderManifest>;
  if (typeof kind !== 'string') throw bad('kind is not a string');
  if (typeof files !== 'object' || files === null || Array.isArray(files)) throw bad('files is not an object');
  const checked: FolderManifest['files'] = Object.create(null);
  for (const [name, entry] of Object.entries(files)) {
    const { size, sha256 } = (entry ?? {}) as { size?: unknown; sha256?: unknown };
    if (!Number.isSafeInteger(size) || (size as number) < 0 || typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256))
      throw bad(`the entry of ${name} is not {size, sha256}`);
    checked[name] = { size: size as number, sha256 };
  }
  return { kind, files: checked };
}

/**
 * Checks a file name inside a folder written as a unit: relative, `/`-separated, no empty,
 * `.` or `..` segment, not the manifest itself, so no write lands outside the folder.
 */
export function checkMemberName(folder: string, name: string): string[] {
  const segments = name.split('/');
  if (name === FOLDER_MANIFEST_FILE || segments.some((s) => s === '' || s === '.' || s === '..' || s.includes('\\') || s.includes('\0'))) {
    throw new FileLayerError(
      folder,
      'io',
      `${folder}: '${name}' is not a file name for a folder written as a unit (expected a relative path without '.', '..' or empty parts, and not ${FOLDER_MANIFEST_FILE})`,
    );
  }
  return segments;
}
