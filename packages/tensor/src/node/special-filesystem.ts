import { readFileSync, realpathSync, statfsSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { type FileErrorFactory, fileLayerFailure } from './file-layer-error.js';

/**
 * statfs magic numbers of Linux's virtual file systems, where no file of ours belongs and
 * where Node's recursive mkdir never returns (`mkdir('/proc/x', { recursive: true })`).
 */
const VIRTUAL_MAGIC: ReadonlyMap<number, string> = new Map([
  [0x9fa0, 'procfs'],
  [0x62656572, 'sysfs'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0x1cd1, 'devpts'],
  [0xcafe4a11, 'bpf'],
  [0x6165676c, 'pstore'],
]);

/** The same file systems by the type name /proc/self/mountinfo gives them, plus devtmpfs. */
const VIRTUAL_TYPES = new Set([
  'proc',
  'sysfs',
  'cgroup',
  'cgroup2',
  'debugfs',
  'tracefs',
  'securityfs',
  'devpts',
  'bpf',
  'pstore',
  'devtmpfs',
  'configfs',
  'fusectl',
  'mqueue',
]);

/** `/dev` is a devtmpfs on a host but a plain tmpfs in a container: refused by place, whatever its type. */
const DEVICE_FOLDER = '/dev';

/** The nearest part of `path` that exists (resolved through links), or undefined where none is reachable. */
function nearestExisting(path: string): string | undefined {
  let existing = resolve(path);
  for (;;) {
    try {
      return realpathSync(existing);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || dirname(existing) === existing) return undefined;
      existing = dirname(existing);
    }
  }
}

/** mountinfo's octal escapes (`\040` for a space) decoded. */
function unescapeMountPath(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

/** The file system type of the mount that holds `realPath`, from /proc/self/mountinfo; undefined where it cannot be read. */
function mountTypeOf(realPath: string): { mountPoint: string; type: string } | undefined {
  let text: string;
  try {
    text = readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return undefined;
  }
  let best: { mountPoint: string; type: string } | undefined;
  for (const line of text.split('\n')) {
    // "36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root rw": field 5 is the
    // mount point; the type follows the " - " separator.
    const fields = line.split(' ');
    const dash = fields.indexOf('-');
    if (fields.length < 5 || dash < 0) continue;
    const mountPoint = unescapeMountPath(fields[4]);
    const inside = realPath === mountPoint || mountPoint === '/' || realPath.startsWith(mountPoint + sep);
    if (inside && (!best || mountPoint.length >= best.mountPoint.length)) best = { mountPoint, type: fields[dash + 1] ?? '' };
  }
  return best;
}

/** What is wrong with writing at `realPath`, or undefined where it is an ordinary file system. */
function virtualFileSystemAt(realPath: string): string | undefined {
  if (realPath === DEVICE_FOLDER || realPath.startsWith(DEVICE_FOLDER + sep)) return 'the device folder /dev';
  try {
    const name = VIRTUAL_MAGIC.get(Number(statfsSync(realPath).type));
    if (name) return name;
  } catch {
    // Where statfs cannot tell (EACCES), mountinfo still can.
  }
  const mount = mountTypeOf(realPath);
  if (mount && VIRTUAL_TYPES.has(mount.type)) return `${mount.type} (mounted at ${mount.mountPoint})`;
  return undefined;
}

/**
 * Throws (reason 'special-filesystem') when `path`, or the nearest part of it that exists,
 * lies on procfs, sysfs, /dev or a kin. Runs before any mkdir or write, and only stats and
 * reads mountinfo, so it returns at once even for `/proc/self/x`.
 */
export function assertOrdinaryFileSystem(path: string, what = 'folder', fail: FileErrorFactory = fileLayerFailure(path)): void {
  const existing = nearestExisting(path);
  if (existing === undefined) return;
  const special = virtualFileSystemAt(existing);
  if (special) throw fail(`${path}: the ${what} is on ${special} (at ${existing}), a virtual file system; choose a folder on a disk`, 'special-filesystem');
}
