import { relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cycles, importsOf, nodeImportsReached, readImportGraph } from './import-graph.mjs';
import { isNodeEntry, KNOWN_IMPURE, LEVELS, librarySubpaths, NODE_ENTRIES, ROOT, TEST_UTILS } from './workspace.mjs';

/** Files a package's build leaves out (tests and their helpers), which alone may import the private test helpers. */
const isTestCode = (path) => /\.test\.[cm]?[jt]sx?$/.test(path) || path.includes('/test-utils/');

let graph;
beforeAll(() => {
  graph = readImportGraph();
});

/** The workspace packages each package imports, as `from -> to` pairs with the first file that does. */
function packageEdges() {
  const edges = new Map();
  for (const [path, file] of graph.files) {
    for (const imported of file.imports) {
      if (!imported.workspace || imported.workspace === file.pkg) continue;
      const key = `${file.pkg} -> ${imported.workspace}`;
      if (!edges.has(key)) edges.set(key, { from: file.pkg, to: imported.workspace, path, specifier: imported.specifier });
    }
  }
  return [...edges.values()];
}

describe('the import reader', () => {
  it('reads value imports and leaves out the type-only ones, which never run', () => {
    const text = [
      "import { a } from './a.js';",
      "import type { B } from './b.js';",
      "import { type C } from './c.js';",
      "import { type D, e } from './d.js';",
      "export { f } from './f.js';",
      "export type { G } from './g.js';",
      "import './side-effect.js';",
      "type W = typeof import('node:worker_threads');",
      "const source = `import('node:os')`;",
      "const lazy = () => import('./lazy.js');",
    ].join('\n');
    expect(importsOf(text)).toEqual(['./a.js', './d.js', './f.js', './side-effect.js', './lazy.js']);
  });

  it('finds cycles, self-imports included, and nothing in a graph without one', () => {
    const edges = { a: ['b'], b: ['c'], c: ['a'], d: ['d'], e: ['a'] };
    expect(cycles(Object.keys(edges), (n) => edges[n]).map((c) => [...c].sort().join(''))).toEqual(['abc', 'd']);
    expect(cycles(['x', 'y'], (n) => (n === 'x' ? ['y'] : []))).toEqual([]);
  });
});

describe('the import graph', () => {
  it('classifies every library subpath as a browser entry or a named Node edge', () => {
    const subpaths = librarySubpaths().map((s) => s.entry);
    for (const entry of [...Object.keys(NODE_ENTRIES), ...Object.keys(KNOWN_IMPURE)]) expect(subpaths, `${entry} is no exported subpath`).toContain(entry);
    for (const entry of Object.keys(KNOWN_IMPURE)) expect(isNodeEntry(entry), `${entry} is a Node edge, not a browser entry`).toBe(false);
    for (const name of graph.packages.keys()) if (name !== TEST_UTILS) expect(LEVELS, `${name} has no level in the package order`).toHaveProperty(name);
  });

  it('points one way: a package imports only packages of a lower level, and the test helpers only from tests', () => {
    const problems = [];
    for (const { from, to, path, specifier } of packageEdges()) {
      const where = `${relative(ROOT, path)} imports ${specifier}`;
      if (to === TEST_UTILS) {
        const library = !graph.packages.get(from).pkg.private;
        if (library && !isTestCode(path)) problems.push(`${where}: a published package's code may not import the private test helpers`);
      } else if (from === TEST_UTILS) problems.push(`${where}: the test helpers import no workspace package`);
      else if (LEVELS[to] > LEVELS[from]) problems.push(`${where}: an import back up (${from} is on level ${LEVELS[from]}, ${to} on ${LEVELS[to]})`);
    }
    expect(problems).toEqual([]);
  });

  it('has no cycle between packages', () => {
    const edges = packageEdges();
    const found = cycles([...graph.packages.keys()], (name) => edges.filter((edge) => edge.from === name).map((edge) => edge.to));
    expect(found.map((cycle) => cycle.join(' -> '))).toEqual([]);
  });

  it('has no cycle between the files of one package', () => {
    const found = [];
    for (const name of graph.packages.keys()) {
      const files = [...graph.files].filter(([, file]) => file.pkg === name).map(([path]) => path);
      const within = (path) =>
        graph.files
          .get(path)
          .imports.filter((imported) => imported.path && !imported.workspace && graph.files.get(imported.path)?.pkg === name)
          .map((imported) => imported.path);
      for (const cycle of cycles(files, within)) found.push(`${name}: ${cycle.map((path) => relative(ROOT, path)).join(' -> ')}`);
    }
    expect(found).toEqual([]);
  });

  // Our sources only: the bundling test also follows the npm packages, and says when a KNOWN_IMPURE entry is pure.
  it('keeps Node out of every browser entry (the known impure ones excepted)', () => {
    const problems = [];
    for (const { entry } of librarySubpaths()) {
      if (isNodeEntry(entry)) continue;
      const source = graph.entrySource(entry);
      if (!source) {
        problems.push(`${entry}: no source file behind its exports map entry`);
        continue;
      }
      const reached = nodeImportsReached(graph, source);
      const known = Object.hasOwn(KNOWN_IMPURE, entry);
      if (reached.length && !known) problems.push(`${entry} reaches Node: ${reached[0]}${reached.length > 1 ? ` (and ${reached.length - 1} more)` : ''}`);
    }
    expect(problems).toEqual([]);
  });
});
