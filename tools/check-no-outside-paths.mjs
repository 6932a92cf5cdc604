#!/usr/bin/env node
// Proves the repository stands alone: no source file (package, app, tool, config) names a
// path outside the repository root. Flags the sibling shared/ folder, absolute /work paths,
// and runs of `..` longer than the file's depth below the root (counted from the file's
// folder, as `new URL(p, import.meta.url)` and `resolve(dirname(...), p)` count them).
// Temporary folders (os.tmpdir()) and the UFBERT_FIXTURES override are the ways out; neither is a literal.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const self = relative(root, fileURLToPath(import.meta.url));
const SOURCE = new Set(['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs', '.json', '.html', '.sh', '.yaml', '.yml']);

const RULES = [
  { pattern: /\.\.\/shared\b|\bshared\/fixtures\b/g, why: () => 'names the shared/ folder beside the repository; fixtures live in fixtures/reference' },
  { pattern: /(?<![\w.])\/work(?![\w.-])/g, why: () => 'names an absolute /work path' },
  {
    // `...spread` and `0..1` are not paths: a run must not touch a word character or a third dot.
    pattern: /(?<![\w.])\.\.(?:\/\.\.)*(?![\w.])/g,
    why: (run, file) => {
      const ups = run.split('/').length;
      const depth = dirname(file) === '.' ? 0 : dirname(file).split('/').length;
      return ups > depth ? `reaches above the repository root from ${dirname(file)}/` : undefined;
    },
  },
];

// pnpm-lock.yaml's `link:` paths are relative to each workspace package, not to the lock file.
const EXEMPT = new Set([self, 'pnpm-lock.yaml']);

// Tracked files and new ones not yet committed; ignored build output and node_modules are not the repository's.
const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .filter((file) => SOURCE.has(extname(file)) && !EXEMPT.has(file));

const problems = [];
for (const file of files) {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  lines.forEach((line, index) => {
    for (const { pattern, why } of RULES) {
      for (const [match] of line.matchAll(pattern)) {
        const reason = why(match, file);
        if (reason) problems.push(`${file}:${index + 1}: '${match}' ${reason}`);
      }
    }
  });
}

if (problems.length) {
  for (const problem of problems) console.error(`FAIL ${problem}`);
  console.error(`check-no-outside-paths: ${problems.length} path(s) outside the repository; tests, tools and apps read only files inside it`);
  process.exit(1);
}
console.log(`check-no-outside-paths: ${files.length} source files name no path outside the repository`);
