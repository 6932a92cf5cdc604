#!/usr/bin/env node
// Proves each publishable package packs with only dist/, README.md, LICENSE and
// package.json, and that the packed form imports from a fresh directory. Nothing is
// downloaded: third-party dependencies are linked from the workspace's install.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, mkdirSync, symlinkSync, existsSync, rmSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv.slice(2);
const packagesDir = join(root, 'packages');
const packages = readdirSync(packagesDir)
  .map((name) => join(packagesDir, name))
  .filter((dir) => existsSync(join(dir, 'package.json')))
  .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
  .filter(({ manifest }) => !manifest.private && (only.length === 0 || only.includes(manifest.name)));

const work = mkdtempSync(join(tmpdir(), 'ufbert-packs-'));
const failures = [];
const allowed = (path) => path === 'package/package.json' || path === 'package/README.md' || path === 'package/LICENSE' || path.startsWith('package/dist/');

try {
  const consumer = join(work, 'consumer');
  mkdirSync(join(consumer, 'node_modules', '@ufbert'), { recursive: true });
  const tarballs = new Map();
  for (const { dir, manifest } of packages) {
    const out = execFileSync('pnpm', ['pack', '--pack-destination', work], { cwd: dir, encoding: 'utf8' });
    const tarball = out.trim().split('\n').filter((l) => l.endsWith('.tgz')).pop();
    const path = tarball.startsWith('/') ? tarball : join(work, tarball.split('/').pop());
    tarballs.set(manifest.name, path);
    const listing = execFileSync('tar', ['-tzf', path], { encoding: 'utf8' }).trim().split('\n');
    const stray = listing.filter((p) => !allowed(p));
    for (const required of ['package/package.json', 'package/README.md', 'package/LICENSE']) {
      if (!listing.includes(required)) failures.push(`${manifest.name}: the pack lacks ${required.slice(8)}`);
    }
    if (!listing.some((p) => p.startsWith('package/dist/'))) failures.push(`${manifest.name}: the pack has no dist/ (build first)`);
    if (stray.length) failures.push(`${manifest.name}: the pack holds files other than dist, README, LICENSE, package.json: ${stray.join(', ')}`);
    const target = join(consumer, 'node_modules', manifest.name);
    mkdirSync(target, { recursive: true });
    execFileSync('tar', ['-xzf', path, '-C', target, '--strip-components=1']);
    const packed = JSON.parse(readFileSync(join(target, 'package.json'), 'utf8'));
    for (const [dep, range] of Object.entries({ ...packed.dependencies, ...packed.optionalDependencies })) {
      if (String(range).startsWith('workspace:')) failures.push(`${manifest.name}: packed dependency ${dep} still says ${range}`);
      if (dep.startsWith('@ufbert/')) continue;
      const link = join(consumer, 'node_modules', dep);
      if (existsSync(link)) continue;
      const source = join(dir, 'node_modules', dep);
      if (!existsSync(source)) continue;
      mkdirSync(dirname(link), { recursive: true });
      symlinkSync(realpathSync(source), link, 'dir');
    }
  }
  for (const { manifest } of packages) {
    try {
      execFileSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(manifest.name)}); if (Object.keys(m).length === 0) throw new Error('no exports');`], {
        cwd: consumer,
        stdio: ['ignore', 'ignore', 'pipe'],
        encoding: 'utf8',
      });
      console.log(`PASS ${manifest.name}: packs clean and imports from ${consumer}`);
    } catch (err) {
      failures.push(`${manifest.name}: the packed form does not import: ${String(err.stderr || err.message).trim().split('\n').slice(-3).join(' | ')}`);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

if (failures.length) {
  for (const f of failures) console.error(`FAIL ${f}`);
  process.exit(1);
}
