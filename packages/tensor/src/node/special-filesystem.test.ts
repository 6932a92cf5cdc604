import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureFolder } from './ensure-folder.js';
import { FileLayerError } from './file-layer-error.js';
import { OutputLock } from './output-lock.js';
import { assertOrdinaryFileSystem } from './special-filesystem.js';
import { writeFileAtomic } from './write-file.js';
import { writeFolderAtomic } from './write-folder.js';

const dir = mkdtempSync(join(tmpdir(), 'ufbert-special-fs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `run`, which must fail with reason 'special-filesystem', and returns how long it took. */
async function refusedWithin(run: () => unknown): Promise<number> {
  const started = performance.now();
  const error = await Promise.resolve()
    .then(run)
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(error).toBeInstanceOf(FileLayerError);
  expect((error as FileLayerError).reason).toBe('special-filesystem');
  return performance.now() - started;
}

describe('procfs, sysfs and /dev are refused before any mkdir', () => {
  // Node's recursive mkdir under /proc/self never returns: a refusal that came after it would hang the test.
  const places = ['/proc/x', '/proc/self/x/y', '/sys/x', '/sys/kernel/x', '/dev/x/y'];

  it.each(places)('ensureFolder(%s) returns a refusal within a second and creates nothing', async (place) => {
    expect(await refusedWithin(() => ensureFolder(place, { what: 'output folder' }))).toBeLessThan(1000);
    expect(existsSync(place)).toBe(false);
  });

  it('follows a link into /proc to where it leads', async () => {
    const link = join(dir, 'to-proc');
    symlinkSync('/proc/self', link);
    expect(await refusedWithin(() => ensureFolder(join(link, 'out'), { what: 'output folder' }))).toBeLessThan(1000);
  });

  it('refuses files, folders and locks there too', async () => {
    expect(await refusedWithin(() => writeFileAtomic('/proc/self/x', 'text'))).toBeLessThan(1000);
    expect(await refusedWithin(() => writeFileAtomic('/sys/x', 'text'))).toBeLessThan(1000);
    expect(await refusedWithin(() => writeFolderAtomic('/proc/self/model', { 'a.json': '{}' }, { kind: 'model' }))).toBeLessThan(1000);
    expect(await refusedWithin(() => OutputLock.acquire('/proc/self/out'))).toBeLessThan(1000);
  });

  it('lets an ordinary folder through and names the file system it refuses', async () => {
    expect(() => assertOrdinaryFileSystem(join(dir, 'a', 'b'))).not.toThrow();
    await ensureFolder(join(dir, 'a', 'b'), { what: 'output folder' });
    expect(existsSync(join(dir, 'a', 'b'))).toBe(true);
    expect(() => assertOrdinaryFileSystem('/proc/x', 'output folder')).toThrow(
      /^\/proc\/x: the output folder is on procfs \(at \/proc\), a virtual file system; choose a folder on a disk$/,
    );
  });
});
