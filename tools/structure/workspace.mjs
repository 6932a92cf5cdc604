// The workspace's intended structure, read by the import-graph and bundling tests: the package
// order of ARCHITECTURE.md, which subpaths must run in a browser, and the entries that do not yet.
import { builtinModules } from 'node:module';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * `tensor <- cmm <- fff <- crammed-bert <- {onnx, training, glue} <- pipelines <- apps`: a package
 * imports only packages on a lower level (packages on one level may import each other without a cycle).
 */
export const LEVELS = {
  '@ufbert/tensor': 0,
  '@ufbert/cmm': 1,
  '@ufbert/fff': 2,
  '@ufbert/crammed-bert': 3,
  '@ufbert/onnx': 4,
  '@ufbert/training': 4,
  '@ufbert/glue': 4,
  '@ufbert/pipelines': 5,
  trainer: 6,
  bench: 6,
  playground: 6,
  'webgpu-browser': 6,
};

/** The private test helpers: any package's tests may import them; they import no workspace package. */
export const TEST_UTILS = '@ufbert/test-utils';

/**
 * Subpaths that are Node edges by design besides the `/node` subpaths (the house convention), each with why;
 * every other subpath of a library must run in a browser.
 */
export const NODE_ENTRIES = {
  '@ufbert/fff/parity': 'reads the reference fixtures from disk',
  '@ufbert/training/testing': 'writes toy checkpoints to disk for tests',
};

/**
 * Browser entries that still reach Node today. The lead empties this list as the branches that
 * move Node to the edge land; an entry missing here fails the tests, and so does one listed that is pure.
 */
export const KNOWN_IMPURE = {};

/** A `/node` subpath (`@ufbert/tensor/node`) or one of NODE_ENTRIES: Node code by design. */
export function isNodeEntry(entry) {
  return entry.endsWith('/node') || Object.hasOwn(NODE_ENTRIES, entry);
}

const NODE_BUILTINS = new Set(builtinModules);

/** `node:fs`, and a bare builtin name (`fs`, `worker_threads`) that Node resolves the same way. */
export function isNodeBuiltin(specifier) {
  return specifier.startsWith('node:') || NODE_BUILTINS.has(specifier) || NODE_BUILTINS.has(specifier.split('/')[0]);
}

/** Every workspace package: name, folder and manifest. */
export function workspacePackages() {
  const found = [];
  for (const group of ['packages', 'apps']) {
    for (const entry of readdirSync(join(ROOT, group), { withFileTypes: true })) {
      const manifest = join(ROOT, group, entry.name, 'package.json');
      if (!entry.isDirectory() || !existsSync(manifest)) continue;
      const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
      found.push({ name: pkg.name, dir: join(ROOT, group, entry.name), pkg });
    }
  }
  return found;
}

/** Each library subpath (`@ufbert/onnx/web`) with its built file, as the exports map gives it to a browser (`import` condition). */
export function librarySubpaths() {
  const subpaths = [];
  for (const { name, dir, pkg } of workspacePackages()) {
    if (pkg.private || !pkg.exports) continue;
    for (const [subpath, target] of Object.entries(pkg.exports)) {
      const file = browserTarget(target);
      subpaths.push({ entry: subpath === '.' ? name : `${name}${subpath.slice(1)}`, file: join(dir, file), dir });
    }
  }
  return subpaths;
}

/** The file a browser bundler picks from an exports target: conditions nest (`browser: { types, import }`), so it is resolved to a string. */
function browserTarget(target) {
  if (typeof target === 'string') return target;
  for (const condition of ['browser', 'import', 'default']) if (target[condition] !== undefined) return browserTarget(target[condition]);
  throw new Error(`an exports target with none of browser, import, default: ${JSON.stringify(target)}`);
}

export const relativeToRoot = (path) => relative(ROOT, path);
