import { closeSync, readSync } from 'node:fs';
import {
  type ByteSource,
  type ReadSafetensorsOptions,
  readAllTensors,
  type SafeTensor,
  type Safetensors,
  SafetensorsError,
  type SafetensorsFile,
  safetensorsChunks,
  safetensorsFromSource,
} from '../safetensors.js';
import { openRegularFile } from './regular-file.js';
import { writeFileAtomic, type WriteFileOptions } from './write-file.js';

/** Reads go in slices of at most this many bytes (one read of gigabytes fails on some kernels). */
const READ_CHUNK = 1 << 30;

function fileSource(fd: number, size: number, file: string): ByteSource {
  return {
    file,
    size,
    readInto(dst, position) {
      let done = 0;
      while (done < dst.length) {
        const n = readSync(fd, dst, done, Math.min(READ_CHUNK, dst.length - done), position + done);
        if (n === 0) throw new SafetensorsError(`${file}: file ended at byte ${position + done} while reading (was it truncated during the read?)`);
        done += n;
      }
    },
  };
}

/**
 * Opens a safetensors file and validates the header without reading tensor data; see
 * SafetensorsFile. Anything but a regular file (a FIFO, /dev/zero, a folder) is refused
 * before a byte is read; tensors are read later through the same descriptor.
 */
export async function openSafetensorsFile(path: string): Promise<SafetensorsFile> {
  const { fd, size } = openRegularFile(path, 'safetensors file', (message) => new SafetensorsError(message));
  try {
    return safetensorsFromSource(fileSource(fd, size, path), path, () => closeSync(fd));
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/** Reads a safetensors file, each tensor straight into its own typed array, so a checkpoint is never held twice. */
export async function readSafetensorsFile(path: string, options?: ReadSafetensorsOptions): Promise<Safetensors> {
  return readAllTensors(await openSafetensorsFile(path), options);
}

/**
 * Writes a safetensors file tensor by tensor through writeFileAtomic: a temporary sibling,
 * fsync, rename, so readers never see a half-written file and a link at `path` is replaced,
 * never written through.
 */
export async function writeSafetensorsFile(
  path: string,
  tensors: Map<string, SafeTensor> | Record<string, SafeTensor>,
  metadata?: Record<string, string>,
  options: WriteFileOptions = {},
): Promise<void> {
  await writeFileAtomic(path, safetensorsChunks(tensors, metadata), { what: 'safetensors file', fail: (message) => new SafetensorsError(message), ...options });
}
