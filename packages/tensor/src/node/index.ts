// @ufbert/tensor/node: the guarded file layer, the one place in the library packages that
// touches node:fs. Regular files only where a file is meant, bounded reads, no procfs or
// devices, temporary file + fsync + rename, no writes through links, folders as a unit.
export { FileLayerError, type FileLayerReason, type FileErrorFactory } from './file-layer-error.js';
export { FILE_LIMITS, type FileKind } from './file-limits.js';
export { openRegularFile, regularFileSize } from './regular-file.js';
export { readBytes, readBytesSync, readText, readTextSync, readTextChunks, readJson, sha256File, sha256Bytes, type ReadFileOptions } from './read-file.js';
export { pathKind, listFolder, type PathKind } from './path-kind.js';
export { assertOrdinaryFileSystem } from './special-filesystem.js';
export { writeFileAtomic, writeFileAtomicSync, writeJsonAtomic, removePath, movePath, type FileContents, type WriteFileOptions } from './write-file.js';
export { AppendFile } from './append-file.js';
export { ensureFolder, ensureFolderSync, ensureWritableFolder, folderEntries, moveFolderContentsAside, type FolderOptions } from './ensure-folder.js';
export { FOLDER_MANIFEST_FILE, type FolderManifest } from './folder-manifest.js';
export { writeFolderAtomic, type WriteFolderOptions, type WriteFolderResult } from './write-folder.js';
export { readFolderSnapshot, type ReadFolderOptions, type FolderSnapshot } from './read-folder.js';
export { OutputLock, OutputLockedError, LOCK_FILE, type LockHolder, type OutputLockOptions } from './output-lock.js';
export { openSafetensorsFile, readSafetensorsFile, writeSafetensorsFile } from './safetensors-file.js';
export { readTextFile, InputFileError, type ReadTextFileOptions } from './legacy-names.js';
export { createStreamedFile, replaceWithLink, stagingFolderFor, renameFolderInto, followedKind, type StreamedFile } from './streamed-file.js';
export * from './command-line.js';
