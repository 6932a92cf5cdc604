// The workspace's import graph from its sources (no build needed): which file imports which,
// resolved the way Node and the TypeScript sources mean it (`./x.js` is `./x.ts`, `@ufbert/fff`
// is fff's src/index.ts through its exports map).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, join, relative } from 'node:path';
import ts from 'typescript';
import { isNodeBuiltin, ROOT, workspacePackages } from './workspace.mjs';

const SOURCE_EXTENSIONS = new Set(['.ts', '.tsx', '.mts', '.js', '.mjs']);

/**
 * The value imports of one source file: static imports and re-exports, `import 'a'` and `import('a')`. Type-only
 * imports (`import type`, `import { type A }` alone, `typeof import('a')`) are left out: they are erased and never run.
 */
export function importsOf(text, fileName = 'file.ts') {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, fileName.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const found = [];
  const visit = (node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : undefined;
      const typeOnly = clause?.isTypeOnly || (clause && !clause.name && named?.length && named.every((element) => element.isTypeOnly));
      if (!typeOnly) found.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const named = node.exportClause && ts.isNamedExports(node.exportClause) ? node.exportClause.elements : undefined;
      if (!node.isTypeOnly && !(named?.length && named.every((element) => element.isTypeOnly))) found.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      found.push(node.arguments[0].text);
    }
    if (!ts.isImportTypeNode(node)) ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The source file a built file of a package's exports map comes from (`dist/web.js` -> `src/web.ts`). */
function sourceOfBuilt(dir, target) {
  const built = join(dir, target);
  if (!target.includes('dist/')) return built;
  const source = join(dir, target.replace(/^\.?\/?dist\//, 'src/').replace(/\.js$/, '.ts'));
  return existsSync(source) ? source : undefined;
}

function pickTarget(target, conditions) {
  if (typeof target === 'string') return target;
  for (const condition of conditions) if (target[condition] !== undefined) return pickTarget(target[condition], conditions);
  return undefined;
}

/**
 * Every workspace source file with its imports resolved: `files` (path -> {pkg, imports: [{specifier, path?, node?}]}),
 * `packages` (name -> {dir, pkg}), `entrySource(entry)` (an exports subpath's source file).
 * `conditions` picks the branch of conditional exports and imports (a browser's, by default).
 */
export function readImportGraph(conditions = ['browser', 'import', 'default']) {
  const packages = new Map(workspacePackages().map((p) => [p.name, p]));
  const ownerOf = (path) => [...packages.values()].find((p) => path.startsWith(`${p.dir}/`));
  const tracked = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', 'packages', 'apps'], { cwd: ROOT, encoding: 'utf8' })
    .split('\n')
    .filter((file) => SOURCE_EXTENSIONS.has(extname(file)) && !file.endsWith('.d.ts'))
    .map((file) => join(ROOT, file));

  const entrySource = (entry) => {
    const name = entry.startsWith('@') ? entry.split('/').slice(0, 2).join('/') : entry.split('/')[0];
    const owner = packages.get(name);
    if (!owner?.pkg.exports) return undefined;
    const subpath = `.${entry.slice(name.length)}`;
    const target = owner.pkg.exports[subpath] && pickTarget(owner.pkg.exports[subpath], conditions);
    return target && sourceOfBuilt(owner.dir, target);
  };

  const resolveRelative = (from, specifier) => {
    const base = join(dirname(from), specifier);
    const candidates = [
      base,
      base.replace(/\.js$/, '.ts'),
      base.replace(/\.js$/, '.tsx'),
      base.replace(/\.mjs$/, '.mts'),
      `${base}.ts`,
      join(base, 'index.ts'),
    ];
    return candidates.find((candidate) => existsSync(candidate) && extname(candidate) !== '');
  };

  const resolve = (from, specifier) => {
    if (isNodeBuiltin(specifier)) return { specifier, node: true };
    if (specifier.startsWith('.')) return { specifier, path: resolveRelative(from, specifier) };
    if (specifier.startsWith('#')) {
      const owner = ownerOf(from);
      const target = owner?.pkg.imports?.[specifier] && pickTarget(owner.pkg.imports[specifier], conditions);
      return { specifier, path: target && sourceOfBuilt(owner.dir, target) };
    }
    const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];
    if (packages.has(name)) return { specifier, workspace: name, path: entrySource(specifier) };
    return { specifier, external: true };
  };

  const files = new Map();
  for (const path of tracked) {
    const owner = ownerOf(path);
    if (!owner) continue;
    const imports = importsOf(readFileSync(path, 'utf8'), path).map((specifier) => resolve(path, specifier));
    files.set(path, { pkg: owner.name, imports });
  }
  return { files, packages, entrySource };
}

/** Strongly connected components of more than one node (or a node importing itself): the cycles of a graph. */
export function cycles(nodes, edgesOf) {
  let index = 0;
  const indices = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const found = [];
  const visit = (node) => {
    indices.set(node, index);
    low.set(node, index);
    index += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of edgesOf(node)) {
      if (!indices.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node), low.get(next)));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node), indices.get(next)));
    }
    if (low.get(node) === indices.get(node)) {
      const component = [];
      let member;
      do {
        member = stack.pop();
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || edgesOf(node).includes(node)) found.push(component.reverse());
    }
  };
  for (const node of nodes) if (!indices.has(node)) visit(node);
  return found;
}

/** The Node builtins a source file reaches through value imports, each with the chain of files that leads there. */
export function nodeImportsReached(graph, start) {
  const reached = [];
  const seen = new Set([start]);
  const queue = [[start]];
  while (queue.length) {
    const chain = queue.shift();
    const file = graph.files.get(chain.at(-1));
    for (const imported of file?.imports ?? []) {
      if (imported.node) reached.push([...chain.map((path) => relative(ROOT, path)), imported.specifier].join(' -> '));
      else if (imported.path && !seen.has(imported.path)) {
        seen.add(imported.path);
        queue.push([...chain, imported.path]);
      }
    }
  }
  return reached;
}
