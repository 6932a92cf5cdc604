#!/usr/bin/env node
// pnpm --filter bench bundle:gpu: writes gpu-bundle/ (ignored by git), the WebGPU bench that
// travels to a bare GPU machine: one gzip'd tar (Node 24 linux-x64, Dawn's linux-x64
// dawn.node, the bench in one JavaScript file) and run.sh, which unpacks it into a
// temporary folder and runs it. gzip, not xz: every Linux has it (xz would save about
// 15 MB but costs a minute of compression on two cores, and is missing on some images).
// Needs the workspace packages built (pnpm build) and .cache/node24 (the root postinstall).
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const app = fileURLToPath(new URL('..', import.meta.url));
const root = join(app, '..', '..');
const outDir = join(app, 'gpu-bundle');
const ARCHIVE = 'ufbert-gpu-bench.tar.gz';
/** The transfer limit of the GPU machines is 64 MiB; this leaves room for run.sh and results. */
const MAX_BYTES = 60 * 2 ** 20;
const NODE_VERSION = '24.21.0';

const log = (line) => process.stderr.write(`bundle:gpu: ${line}\n`);
const require = createRequire(join(app, 'package.json'));

/** Node 24 from the npm registry's `node` package, as tools/setup-node24.sh installs it. */
function nodeBinary() {
  const bin = join(root, '.cache', 'node24', 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(bin)) execFileSync('bash', [join(root, 'tools', 'setup-node24.sh')], { stdio: 'inherit' });
  const version = execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim();
  if (version !== `v${NODE_VERSION}`) throw new Error(`expected Node v${NODE_VERSION} at ${bin}, found ${version}; run bash tools/setup-node24.sh`);
  return bin;
}

/** The `webgpu` package's loader (behind gpu-bundle-src/dawn-entry.js) and its linux-x64 Dawn, the only platform the bundle carries. */
function copyDawn(stage) {
  const pkgDir = dirname(require.resolve('webgpu/package.json'));
  const target = join(stage, 'node_modules', 'webgpu');
  mkdirSync(join(target, 'dist', 'linux-x64'), { recursive: true });
  for (const file of ['package.json', 'LICENSE.md']) copyFileSync(join(pkgDir, file), join(target, file));
  copyFileSync(join(pkgDir, 'index.js'), join(target, 'dawn-loader.js'));
  copyFileSync(join(app, 'gpu-bundle-src', 'dawn-entry.js'), join(target, 'index.js'));
  copyFileSync(join(pkgDir, 'dist', 'linux-x64', 'dawn.node'), join(target, 'dist', 'linux-x64', 'dawn.node'));
  return JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version;
}

/**
 * The Vulkan loader (Debian's libvulkan1, which tools/setup-system.sh installs), for GPU
 * machines whose driver brings its ICD but not the loader Dawn opens (libvulkan.so.1);
 * run.sh puts it on the library path only there.
 */
const VULKAN_LOADER = '/usr/lib/x86_64-linux-gnu/libvulkan.so.1';

function copyVulkanLoader(stage) {
  if (!existsSync(VULKAN_LOADER)) throw new Error(`${VULKAN_LOADER} is missing; install libvulkan1 (tools/setup-system.sh does, as root)`);
  mkdirSync(join(stage, 'lib'));
  copyFileSync(VULKAN_LOADER, join(stage, 'lib', 'libvulkan.so.1'));
}

function versionOf(name, from = app) {
  const resolve = createRequire(join(from, 'package.json'));
  try {
    return JSON.parse(readFileSync(resolve.resolve(`${name}/package.json`), 'utf8')).version;
  } catch {
    return JSON.parse(readFileSync(join(from, 'node_modules', name, 'package.json'), 'utf8')).version;
  }
}

async function bundleScript(stage) {
  await build({
    input: join(app, 'gpu-bundle-src', 'main.ts'),
    platform: 'node',
    // tfjs's wasm backend is never selected here (its .wasm files are not carried); Dawn is
    // imported at run time from node_modules/webgpu inside the bundle (@ufbert/tensor's loadDawn).
    external: ['@tensorflow/tfjs-backend-wasm', 'webgpu'],
    logLevel: 'warn',
    output: { file: join(stage, 'bench.mjs'), format: 'esm', codeSplitting: false, minify: true, sourcemap: false },
  });
}

async function main() {
  const started = Date.now();
  for (const pkg of ['tensor', 'cmm', 'fff']) {
    if (!existsSync(join(root, 'packages', pkg, 'dist', 'index.js')))
      throw new Error(`packages/${pkg}/dist is missing; run pnpm --filter @ufbert/${pkg} build first`);
  }
  const stage = mkdtempSync(join(tmpdir(), 'ufbert-gpu-bundle-'));
  try {
    await bundleScript(stage);
    log(`bench.mjs ${(statSync(join(stage, 'bench.mjs')).size / 2 ** 20).toFixed(1)} MiB`);
    mkdirSync(join(stage, 'bin'));
    copyFileSync(nodeBinary(), join(stage, 'bin', 'node'));
    chmodSync(join(stage, 'bin', 'node'), 0o755);
    const webgpu = copyDawn(stage);
    copyVulkanLoader(stage);
    const versions = {
      node: NODE_VERSION,
      webgpu,
      '@tensorflow/tfjs-core': versionOf('@tensorflow/tfjs-core'),
      '@tensorflow/tfjs-backend-webgpu': versionOf('@tensorflow/tfjs-backend-webgpu', join(root, 'packages', 'tensor')),
      '@ufbert/tensor': versionOf('@ufbert/tensor'),
      '@ufbert/cmm': versionOf('@ufbert/cmm'),
      '@ufbert/fff': versionOf('@ufbert/fff'),
      '@ufbert/crammed-bert': versionOf('@ufbert/crammed-bert'),
      bundled_at: new Date().toISOString(),
      git_commit: gitCommit(),
    };
    writeFileSync(join(stage, 'versions.json'), `${JSON.stringify(versions, null, 2)}\n`);

    rmSync(outDir, { recursive: true, force: true });
    mkdirSync(outDir, { recursive: true });
    const archive = join(outDir, ARCHIVE);
    execFileSync('tar', ['-czf', archive, '-C', stage, '.'], { stdio: 'inherit' });
    copyFileSync(join(app, 'gpu-bundle-src', 'run.sh'), join(outDir, 'run.sh'));
    chmodSync(join(outDir, 'run.sh'), 0o755);
    const bytes = statSync(archive).size;
    if (bytes >= MAX_BYTES) throw new Error(`${archive} is ${(bytes / 2 ** 20).toFixed(1)} MiB; expected under ${MAX_BYTES / 2 ** 20} MiB`);
    log(`${archive}: ${(bytes / 2 ** 20).toFixed(1)} MiB, built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    log(`copy ${outDir}/{${ARCHIVE},run.sh} to the GPU machine and run: bash run.sh [results-dir]`);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

function gitCommit() {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

await main();
