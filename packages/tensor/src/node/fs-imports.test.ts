import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Reads the built dist/ of every package and app (what ships and what runs), and, for a
// package not built yet, its sources, whose import specifiers tsc keeps as they are.
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const LAYER = 'packages/tensor/dist/node/';

/**
 * Modules that still import node:fs themselves, outside the layer. Each is the model-folder
 * branch's to move onto @ufbert/tensor/node; the lead empties this list at the merge.
 */
const ALLOWED = new Set<string>([]);

/** A static import or re-export, a dynamic import() or a require() of fs or fs/promises, with or without `node:`. */
const FS_IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)(['"])(?:node:)?fs(?:\/promises)?\1/;
/** Every module specifier of a file: static imports and re-exports, side-effect imports, dynamic import(). */
const SPECIFIERS = /(?:\bfrom\s*|\bimport\s*\(?\s*)(['"])([^'"]+)\1/g;

const isTest = (name: string): boolean => /\.test\.[cm]?[jt]s$/.test(name) || name === 'test-utils';

function walk(dir: string, keep: (file: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (isTest(entry.name)) return [];
    const path = join(dir, entry.name);
    return entry.isDirectory() ? walk(path, keep) : keep(path) ? [path] : [];
  });
}

/** The source a dist module was compiled from; undefined for stale outputs of deleted sources and for bundled assets. */
function sourceOf(root: string, distFile: string): string | undefined {
  const stem = relative(join(root, 'dist'), distFile).replace(/\.js$/, '');
  return ['.ts', '.mts', '.js'].map((ext) => join(root, 'src', stem + ext)).find((path) => existsSync(path));
}

/**
 * Our modules of one package or app, as repository paths: its dist (modules compiled from a
 * source) and its sources, so neither a build not yet run nor a stale one hides an import.
 */
function modulesOf(root: string): { path: string; text: string }[] {
  const built = walk(join(root, 'dist'), (file) => file.endsWith('.js') && sourceOf(root, file) !== undefined);
  const sources = walk(join(root, 'src'), (file) => /\.[cm]?[jt]s$/.test(file) && !file.endsWith('.d.ts'));
  return [...built, ...sources].map((file) => ({ path: relative(ROOT, file), text: readFileSync(file, 'utf8') }));
}

// packages/test-utils, the private test helpers, is test code like the test-utils folders.
const roots = ['packages', 'apps'].flatMap((group) =>
  readdirSync(join(ROOT, group))
    .filter((name) => !isTest(name))
    .map((name) => join(ROOT, group, name)),
);
const modules = roots.flatMap(modulesOf);
const importsFs = (text: string): boolean => FS_IMPORT.test(text);

describe('node:fs is imported only by the file layer, @ufbert/tensor/node', () => {
  it('finds the layer itself importing node:fs (the scan sees what it looks for)', () => {
    const layer = modules.filter((m) => m.path.startsWith(LAYER) || m.path.startsWith('packages/tensor/src/node/'));
    expect(layer.filter((m) => importsFs(m.text)).length).toBeGreaterThan(5);
    expect(importsFs("const fs = await import('node:fs');")).toBe(true);
    expect(importsFs('import { readFileSync } from "fs";')).toBe(true);
    expect(importsFs("export { stat } from 'node:fs/promises';")).toBe(true);
    expect(importsFs("const { existsSync } = require('node:fs');")).toBe(true);
    expect(importsFs("import { x } from 'node:fsx';")).toBe(false);
  });

  it('finds no other module of a package or an app importing it, but the pending ones', () => {
    const offenders = modules
      .filter((m) => !m.path.startsWith(LAYER) && !m.path.startsWith('packages/tensor/src/node/') && importsFs(m.text))
      .map((m) => m.path.replace('/src/', '/dist/').replace(/\.ts$/, '.js'));
    expect([...new Set(offenders)].filter((path) => !ALLOWED.has(path))).toEqual([]);
  });

  it('lists as pending only modules that still import node:fs (empty the list as they move)', () => {
    const stale = [...ALLOWED].filter((path) => {
      const module = modules.find((m) => m.path === path || m.path === path.replace('/dist/', '/src/').replace(/\.js$/, '.ts'));
      return !module || !importsFs(module.text);
    });
    expect(stale).toEqual([]);
  });
});

/** The modules a package's entry reaches through relative imports (static and dynamic), with every specifier they name. */
function reachable(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const queue = [entry];
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file) || !existsSync(file)) continue;
    // `import type` / `export type` vanish from the built module, so they reach nothing at run time.
    const text = readFileSync(file, 'utf8').replace(/\b(?:import|export)\s+type\s[^;]*;/g, '');
    const specifiers = [...text.matchAll(SPECIFIERS)].map((match) => match[2]);
    seen.set(file, specifiers);
    // Sources name their imports `./x.js` too; in src/ the file is x.ts.
    for (const specifier of specifiers) {
      if (!specifier.startsWith('.')) continue;
      const target = resolve(dirname(file), specifier);
      queue.push(existsSync(target) ? target : target.replace(/\.js$/, '.ts'));
    }
  }
  return seen;
}

describe('main entries reach no node: import (they run in browsers)', () => {
  it.each(['tensor', 'training', 'glue'])('@ufbert/%s', (name) => {
    const root = join(ROOT, 'packages', name);
    // The built entry where the package is built (tensor's tests may run before training's build), else its source.
    const built = join(root, 'dist', 'index.js');
    const entry = existsSync(built) ? built : join(root, 'src', 'index.ts');
    const graph = reachable(entry);
    expect(graph.size).toBeGreaterThan(3);
    const reached = [...graph].flatMap(([file, specifiers]) =>
      specifiers.filter((s) => s.startsWith('node:') || /^@ufbert\/[\w-]+\/node$/.test(s)).map((s) => `${relative(ROOT, file)} -> ${s}`),
    );
    expect(reached).toEqual([]);
  });
});
