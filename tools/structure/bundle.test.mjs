import { builtinModules } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { isNodeEntry, KNOWN_IMPURE, librarySubpaths, ROOT } from './workspace.mjs';

// Packages that load a native addon (Node-API), which esbuild would meet only as a glob of `.node` files.
const NATIVE_PACKAGES = ['onnxruntime-node', 'webgpu'];

// A Node builtin (`node:fs`, or bare `fs`, `worker_threads/...`), a native addon or a package of one: kept out of
// the bundle and recorded as what it is, so the failure names it (a browser build would stop at the first one).
const NODE_ONLY = new RegExp(`^(node:.*|(${[...builtinModules, ...NATIVE_PACKAGES].map((name) => name.replace(/[/.]/g, '\\$&')).join('|')})(/.*)?)$|\\.node$`);

/** The browser entries, built: what a bundler of a web app that imports them reads. */
const entries = librarySubpaths().filter(({ entry }) => !isNodeEntry(entry));

let bundled;
beforeAll(async () => {
  const missing = entries.filter(({ file }) => !existsSync(file)).map(({ entry }) => entry);
  if (missing.length) throw new Error(`build the packages first (pnpm build): no dist for ${missing.join(', ')}`);
  // One build of every entry, so each module is parsed once; the metafile says which entry reaches what.
  bundled = await build({
    absWorkingDir: ROOT,
    entryPoints: entries.map(({ file }) => relative(ROOT, file)),
    bundle: true,
    write: false,
    outdir: 'bundle-check',
    platform: 'browser',
    format: 'esm',
    splitting: true,
    metafile: true,
    logLevel: 'silent',
    plugins: [
      {
        name: 'node-only',
        setup: (b) => {
          b.onResolve({ filter: NODE_ONLY }, async (args) => {
            if (args.pluginData === 'node-only') return undefined;
            if (NATIVE_PACKAGES.includes(args.path.split('/')[0]) || args.path.endsWith('.node')) return { path: args.path, external: true };
            // A package's `browser` field may map a builtin away (tfjs-core maps `util` to false): esbuild then resolves it to
            // a path that is no file, and the bundle gets an empty module, as a browser build of that package would.
            const resolved = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: 'node-only' });
            if (resolved.errors.length === 0 && !resolved.external && !isAbsolute(resolved.path)) return { path: args.path, namespace: 'browser-disabled' };
            return { path: args.path, external: true };
          });
          b.onLoad({ filter: /.*/, namespace: 'browser-disabled' }, () => ({ contents: '', loader: 'js' }));
        },
      },
      {
        // A package's `browser` field may also swap the file its `exports` give for a browser build (@huggingface/hub maps
        // dist/index.mjs to dist/browser/index.mjs). Vite and webpack apply that map after `exports`; esbuild does not, so it is applied here.
        name: 'browser-field-files',
        setup: (b) => {
          b.onResolve({ filter: /^[^./]/ }, async (args) => {
            // Nested resolves (this plugin's, node-only's) and Node builtins are left to esbuild and the plugin above.
            if (args.pluginData !== undefined || NODE_ONLY.test(args.path)) return undefined;
            const resolved = await b.resolve(args.path, {
              kind: args.kind,
              importer: args.importer,
              resolveDir: args.resolveDir,
              pluginData: 'browser-field-files',
            });
            if (resolved.errors.length || resolved.external || !isAbsolute(resolved.path)) return undefined;
            const swapped = browserFieldFile(resolved.path);
            return swapped ? { path: swapped } : undefined;
          });
        },
      },
    ],
  }).catch((error) => ({ failure: (error.errors ?? [error]).map((e) => `${e.text}${e.location ? ` (${e.location.file}:${e.location.line})` : ''}`) }));
});

/** The file a package's `browser` object field puts in place of `file` (a path inside that package), if it names one. */
function browserFieldFile(file) {
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const { browser } = JSON.parse(readFileSync(manifest, 'utf8'));
    if (!browser || typeof browser !== 'object') return undefined;
    const swapped = browser[`./${relative(dir, file).split(sep).join('/')}`];
    return typeof swapped === 'string' ? join(dir, swapped) : undefined;
  }
  return undefined;
}

/** The externalised imports an input reaches, each with the chain of modules from the entry. */
function externalsReached(inputs, start) {
  const reached = [];
  const seen = new Set([start]);
  const queue = [[start]];
  while (queue.length) {
    const chain = queue.shift();
    for (const imported of inputs[chain.at(-1)]?.imports ?? []) {
      // `<runtime>` is esbuild's own helper module (`__require`, `__commonJS`), bundled with every build: not an import of the page.
      if (imported.path === '<runtime>') continue;
      if (imported.external) reached.push([...chain, imported.path].join(' -> '));
      else if (!seen.has(imported.path)) {
        seen.add(imported.path);
        queue.push([...chain, imported.path]);
      }
    }
  }
  return reached;
}

describe('bundling the browser entries for a browser (esbuild, platform browser)', () => {
  it('resolves every module', () => {
    expect(bundled.failure ?? []).toEqual([]);
    expect(bundled.warnings.map((w) => w.text)).toEqual([]);
  });

  it('externalises nothing: no node: module and no native addon in any entry (the known impure ones excepted, until they are pure)', () => {
    const problems = [];
    for (const { entry, file } of entries) {
      const reached = externalsReached(bundled.metafile.inputs, relative(ROOT, file));
      const known = Object.hasOwn(KNOWN_IMPURE, entry);
      if (reached.length && !known) problems.push(`${entry} reaches ${reached[0]}${reached.length > 1 ? ` (and ${reached.length - 1} more)` : ''}`);
      if (!reached.length && known) problems.push(`${entry} bundles for a browser now: remove it from KNOWN_IMPURE in tools/structure/workspace.mjs`);
    }
    expect(problems).toEqual([]);
  });
});
