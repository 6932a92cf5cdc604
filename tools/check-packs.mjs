#!/usr/bin/env node
// Proves each publishable package packs with only dist/, README.md, LICENSE and package.json,
// that its source maps carry their sources, that it asks for tfjs-core as a peer and for Dawn
// only as an optional peer, and that users get what the READMEs promise: `@ufbert/fff`
// installed as its README says fits in INSTALL_LIMIT_BYTES, every package imports from a
// fresh project, and that project's `tsc --strict` passes without skipLibCheck. Installs run
// `pnpm install --offline` from the local store: nothing is downloaded.
// Run: `node tools/check-packs.mjs` (after a build).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// The issue's target for a user of one package: `@ufbert/fff` with everything it installs.
const INSTALL_LIMIT_BYTES = 150e6;
const SINGLE_PACKAGE = '@ufbert/fff';
const TFJS_CORE = '@tensorflow/tfjs-core';
// Packages a user must not get by default: the tfjs union bundle (layers, converter, data,
// webgl) and Dawn's native binaries for five platforms.
const NEVER_INSTALLED = ['@tensorflow/tfjs', 'webgpu'];

const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));
const failures = [];
const fail = (message) => failures.push(message);

const packagesDir = join(root, 'packages');
const packages = readdirSync(packagesDir)
  .map((name) => join(packagesDir, name))
  .filter((dir) => existsSync(join(dir, 'package.json')))
  .map((dir) => ({ dir, manifest: readJson(join(dir, 'package.json')) }))
  .filter(({ manifest }) => !manifest.private);

const allowedInPack = (path) => ['package.json', 'README.md', 'LICENSE'].includes(path) || path.startsWith('dist/');

function listFiles(dir, prefix = '') {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((entry) => {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    return entry.isDirectory() ? listFiles(dir, path) : [path];
  });
}

// A map whose sources are neither in the pack nor embedded sends a debugger to files the
// user does not have.
function checkSourceMaps(name, dir, files) {
  const shipped = new Set(files);
  for (const file of files.filter((f) => f.endsWith('.map'))) {
    const map = readJson(join(dir, file));
    (map.sources ?? []).forEach((source, i) => {
      const resolved = posix.normalize(posix.join(posix.dirname(file), map.sourceRoot ?? '', source));
      if (typeof map.sourcesContent?.[i] !== 'string' && !shipped.has(resolved)) {
        fail(`${name}: ${file} maps to ${source}, which the pack neither ships nor embeds (expected sourcesContent, or no map)`);
      }
    });
  }
}

function checkManifest(name, packed) {
  const installed = { ...packed.dependencies, ...packed.optionalDependencies };
  for (const [dep, range] of Object.entries({ ...installed, ...packed.peerDependencies })) {
    if (String(range).startsWith('workspace:')) fail(`${name}: packed dependency ${dep} still says ${range}`);
  }
  for (const dep of NEVER_INSTALLED) {
    if (dep in installed) fail(`${name}: installs ${dep} for every user; expected ${dep === 'webgpu' ? 'an optional peer dependency' : 'no dependency on it'}`);
  }
  if ('webgpu' in (packed.peerDependencies ?? {}) && packed.peerDependenciesMeta?.webgpu?.optional !== true) {
    fail(`${name}: peer dependency webgpu is not marked optional in peerDependenciesMeta`);
  }
  const touchesTfjs = TFJS_CORE in installed || TFJS_CORE in (packed.peerDependencies ?? {}) || '@ufbert/tensor' in installed || name === '@ufbert/tensor';
  if (!touchesTfjs) return;
  const peer = packed.peerDependencies?.[TFJS_CORE];
  if (TFJS_CORE in installed) fail(`${name}: ${TFJS_CORE} is a dependency; expected a peer dependency, so the user's one instance is shared`);
  if (!peer) fail(`${name}: no peer dependency on ${TFJS_CORE}`);
  else if (/^\d/.test(peer)) fail(`${name}: peer dependency ${TFJS_CORE} is pinned to ${peer}; expected a range such as ^${peer}`);
}

// The packages a README's `pnpm add` line names: what a user of that package adds.
function readmeInstallLine(name, readme) {
  const line = /^pnpm add (.+)$/m.exec(readme)?.[1];
  if (!line) {
    fail(`${name}: its README has no \`pnpm add ...\` line saying what to install`);
    return [name];
  }
  return line.trim().split(/\s+/);
}

function workspaceAllowBuilds() {
  const lines = readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8').split('\n');
  const start = lines.indexOf('allowBuilds:');
  if (start === -1) return '';
  const end = lines.findIndex((line, i) => i > start && /^\S/.test(line));
  return `${lines
    .slice(start, end === -1 ? undefined : end)
    .join('\n')
    .trimEnd()}\n`;
}

// The exports map's subpaths, as import specifiers.
function specifiers(name, manifest) {
  const subpaths = manifest.exports ? Object.keys(manifest.exports) : ['.'];
  return subpaths.map((subpath) => (subpath === '.' ? name : `${name}/${subpath.slice(2)}`));
}

const run = (command, args, cwd) =>
  execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' } });
const lastLines = (err) =>
  String(`${err.stdout ?? ''}${err.stderr ?? ''}` || err.message)
    .trim()
    .split('\n')
    .slice(-12)
    .join('\n    ');

// The versions the workspace's lockfile resolved, for each third-party package it holds one
// release version of (prereleases aside). An offline install resolves a range against the
// registry metadata pnpm has cached, which may already name a release published after the
// lockfile (whose tarball the store then lacks: onnxruntime-common 1.31.1 under ^1.30.0 did
// this); pinning the consumer to the lockfile's versions keeps it to the store. Names with
// several release versions are left to their ranges.
function lockedVersions() {
  const versions = new Map();
  let inPackages = false;
  for (const line of readFileSync(join(root, 'pnpm-lock.yaml'), 'utf8').split('\n')) {
    if (/^\S/.test(line)) inPackages = line === 'packages:';
    const key = inPackages && /^ {2}'?((?:@[^@/'\s]+\/)?[^@'\s]+)@([^()'\s]+)'?:$/.exec(line);
    if (!key || key[2].includes('-')) continue;
    versions.set(key[1], new Set([...(versions.get(key[1]) ?? []), key[2]]));
  }
  return [...versions].filter(([, v]) => v.size === 1).map(([name, v]) => [name, [...v][0]]);
}

// A fresh project that depends on `wanted` as a user would, @ufbert packages coming from
// the tarballs (also where they depend on each other), everything else from the local store.
function installConsumer(dir, label, wanted, tarballs, manifests) {
  mkdirSync(dir, { recursive: true });
  const typesNode = readJson(join(root, 'package.json')).devDependencies['@types/node'];
  const dependencies = Object.fromEntries(wanted.map((name) => [name, tarballs.has(name) ? `file:${tarballs.get(name)}` : peerRange(name, manifests)]));
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: `check-packs-${label}`, private: true, type: 'module', dependencies, devDependencies: { '@types/node': typesNode } }, null, 2)}\n`,
  );
  const pinned = lockedVersions().filter(([name]) => !tarballs.has(name));
  const overrides = [...[...tarballs].map(([name, path]) => [name, `file:${path}`]), ...pinned].map(([name, to]) => `  '${name}': '${to}'`).join('\n');
  writeFileSync(join(dir, 'pnpm-workspace.yaml'), `${workspaceAllowBuilds()}overrides:\n${overrides}\n`);
  try {
    run('pnpm', ['install', '--offline', '--reporter=silent'], dir);
    return true;
  } catch (err) {
    fail(`${label}: pnpm install --offline of ${wanted.join(' ')} failed:\n    ${lastLines(err)}`);
    return false;
  }
}

// A third-party package the READMEs name (tfjs-core): the range our packages ask for.
function peerRange(name, manifests) {
  for (const manifest of manifests.values()) {
    const range = manifest.peerDependencies?.[name] ?? manifest.dependencies?.[name];
    if (range) return range;
  }
  throw new Error(`check-packs: no @ufbert package names ${name}, so there is no range to install it at`);
}

function checkImports(dir, label, names, manifests) {
  for (const name of names.filter((n) => manifests.has(n))) {
    for (const specifier of specifiers(name, manifests.get(name))) {
      try {
        run(
          process.execPath,
          [
            '--input-type=module',
            '-e',
            `const m = await import(${JSON.stringify(specifier)}); if (Object.keys(m).length === 0) throw new Error('no exports');`,
          ],
          dir,
        );
      } catch (err) {
        fail(`${specifier} (${label}): the packed form does not import:\n    ${lastLines(err)}`);
      }
    }
  }
}

// `tsc --strict` as a user's project runs it: the library's .d.ts files checked too.
function checkTypes(dir, label, names, manifests) {
  const imports = names
    .filter((n) => manifests.has(n))
    .flatMap((name) => specifiers(name, manifests.get(name)))
    .map((specifier, i) => `import * as m${i} from '${specifier}';\nexport { m${i} };\n`);
  writeFileSync(join(dir, 'check.ts'), imports.join(''));
  const compilerOptions = {
    strict: true,
    skipLibCheck: false,
    noEmit: true,
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    types: ['node'],
  };
  writeFileSync(join(dir, 'tsconfig.json'), `${JSON.stringify({ compilerOptions, files: ['check.ts'] }, null, 2)}\n`);
  try {
    run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], dir);
    return true;
  } catch (err) {
    fail(`${label}: tsc --strict without skipLibCheck fails on the packed types:\n    ${lastLines(err)}`);
    return false;
  }
}

function installedBytes(dir) {
  return Number(execFileSync('du', ['-sk', join(dir, 'node_modules')], { encoding: 'utf8' }).split('\t')[0]) * 1024;
}

const work = mkdtempSync(join(tmpdir(), 'ufbert-packs-'));
try {
  const tarballs = new Map();
  const manifests = new Map();
  for (const { dir, manifest } of packages) {
    const out = execFileSync('pnpm', ['pack', '--pack-destination', work], { cwd: dir, encoding: 'utf8' });
    const tarball = out
      .trim()
      .split('\n')
      .filter((l) => l.endsWith('.tgz'))
      .pop();
    const path = tarball.startsWith('/') ? tarball : join(work, tarball.split('/').pop());
    tarballs.set(manifest.name, path);
    const unpacked = join(work, 'unpacked', manifest.name);
    mkdirSync(unpacked, { recursive: true });
    execFileSync('tar', ['-xzf', path, '-C', unpacked, '--strip-components=1']);
    const files = listFiles(unpacked);
    for (const required of ['package.json', 'README.md', 'LICENSE']) {
      if (!files.includes(required)) fail(`${manifest.name}: the pack lacks ${required}`);
    }
    if (!files.some((p) => p.startsWith('dist/'))) fail(`${manifest.name}: the pack has no dist/ (build first)`);
    const stray = files.filter((p) => !allowedInPack(p));
    if (stray.length) fail(`${manifest.name}: the pack holds files other than dist, README, LICENSE, package.json: ${stray.join(', ')}`);
    checkSourceMaps(manifest.name, unpacked, files);
    const packed = readJson(join(unpacked, 'package.json'));
    manifests.set(manifest.name, packed);
    checkManifest(manifest.name, packed);
  }

  const single = readmeInstallLine(SINGLE_PACKAGE, readFileSync(join(work, 'unpacked', SINGLE_PACKAGE, 'README.md'), 'utf8'));
  const singleDir = join(work, 'consumer-fff');
  if (installConsumer(singleDir, 'fff alone', single, tarballs, manifests)) {
    const bytes = installedBytes(singleDir);
    const mb = (bytes / 1e6).toFixed(1);
    if (bytes > INSTALL_LIMIT_BYTES) fail(`pnpm add ${single.join(' ')}: node_modules is ${mb} MB; expected at most ${INSTALL_LIMIT_BYTES / 1e6} MB`);
    else console.log(`PASS pnpm add ${single.join(' ')}: node_modules is ${mb} MB (limit ${INSTALL_LIMIT_BYTES / 1e6} MB)`);
    checkImports(singleDir, 'fff alone', single, manifests);
    if (checkTypes(singleDir, 'fff alone', single, manifests))
      console.log(`PASS tsc --strict (no skipLibCheck) on ${single.filter((n) => manifests.has(n)).join(', ')}`);
  }

  // Every package, and every peer any of them names, optional ones included (onnxruntime-web
  // for @ufbert/onnx/web, Dawn for WebGPU in Node): a user of all of it.
  const peers = [...manifests.values()].flatMap((m) => Object.keys(m.peerDependencies ?? {}));
  const everything = [...new Set([...manifests.keys(), ...peers])];
  const allDir = join(work, 'consumer-all');
  if (installConsumer(allDir, 'every package', everything, tarballs, manifests)) {
    checkImports(allDir, 'every package', everything, manifests);
    if (checkTypes(allDir, 'every package', everything, manifests))
      console.log(`PASS tsc --strict (no skipLibCheck) on every export of ${manifests.size} packages`);
  }
  for (const name of manifests.keys()) {
    if (!failures.some((f) => f.startsWith(name))) console.log(`PASS ${name}: packs clean, maps carry their sources, imports from a fresh project`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

if (failures.length) {
  for (const f of failures) console.error(`FAIL ${f}`);
  process.exit(1);
}
