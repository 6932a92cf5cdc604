#!/usr/bin/env node
// Release rehearsal: in a temporary copy of the repository, versions and publishes every
// publishable package through changesets to a verdaccio registry on 127.0.0.1, installs
// some of them back from it with npm and with pnpm as a user would, and runs their
// README examples. The repository itself is left as it was. Run: `pnpm release:rehearse`.
import { spawn, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, openSync, closeSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// What gets installed from the registry, into one fresh folder per entry and client, and
// whose READMEs' first ```js examples then run there. @ufbert/tensor and the peer
// @tensorflow/tfjs-core come along, as the READMEs' install lines say: the examples import
// tensor, and pnpm makes only direct dependencies importable. Its README has no example, so
// it adds no run of its own. Packages not published here install at their latest version.
const INSTALLS = [
  { label: 'fff-alone', packages: ['@ufbert/fff', '@ufbert/tensor', '@tensorflow/tfjs-core'], examples: ['@ufbert/fff'] },
  {
    label: 'pipelines',
    packages: ['@ufbert/crammed-bert', '@ufbert/onnx', '@ufbert/pipelines', '@ufbert/tensor', '@tensorflow/tfjs-core'],
    examples: ['@ufbert/crammed-bert', '@ufbert/onnx', '@ufbert/pipelines'],
  },
];
const CLIENTS = ['npm', 'pnpm'];
const REQUIRED_FILES = ['package.json', 'README.md', 'LICENSE'];

const MINUTE = 60_000;
const TIMEOUTS = {
  registryStart: 30_000,
  install: 4 * MINUTE,
  build: 5 * MINUTE,
  changeset: 3 * MINUTE,
  example: 2 * MINUTE,
  query: 30_000,
};

class RehearsalError extends Error {}

// The rehearsal must never reach a real registry: every command gets its URL from here.
function assertLocalRegistry(url) {
  const match = /^http:\/\/127\.0\.0\.1:(\d{1,5})\/$/.exec(url);
  const port = match ? Number(match[1]) : 0;
  if (!(port > 0 && port < 65536)) {
    throw new RehearsalError(`refusing registry ${url}: the rehearsal only publishes to and installs from http://127.0.0.1:<port>/`);
  }
  return url;
}

const children = new Set();
function killGroup(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
function killAll() {
  for (const child of children) killGroup(child);
  children.clear();
}
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    killAll();
    if (work) rmSync(work, { recursive: true, force: true });
    process.exit(128 + { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 }[signal]);
  });
}

// A timeout that counts only time this process was running: a measurement on the shared
// host may stop (SIGSTOP) the rehearsal and its children for minutes, and that wait is
// not the command's fault. Returns a function that cancels it.
function activeTimeout(ms, onTimeout) {
  const tick = 500;
  let last = Date.now();
  let active = 0;
  const timer = setInterval(() => {
    const now = Date.now();
    active += Math.min(now - last, 2 * tick);
    last = now;
    if (active >= ms) {
      clearInterval(timer);
      onTimeout();
    }
  }, tick);
  return () => clearInterval(timer);
}

// Runs a command in its own process group (so a timeout also ends what it started) and
// resolves with its output; rejects naming `what` with the output's last lines.
function run(what, command, args, { cwd, env, timeoutMs }) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let output = '';
    const keep = (chunk) => {
      output = (output + chunk).slice(-200_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let timedOut = false;
    const cancel = activeTimeout(timeoutMs, () => {
      timedOut = true;
      killGroup(child);
    });
    child.on('error', (err) => {
      cancel();
      children.delete(child);
      reject(new RehearsalError(`${what}: could not start ${command}: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      cancel();
      children.delete(child);
      killGroup(child);
      if (code === 0) return resolve(output);
      const tail = output.trim().split('\n').slice(-25).join('\n');
      const why = timedOut ? `timed out after ${timeoutMs / 1000} s` : `exited with ${code ?? signal}`;
      reject(new RehearsalError(`${what}: \`${command} ${args.join(' ')}\` ${why}\n${tail}`));
    });
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));

function publishablePackages(repo) {
  const dir = join(repo, 'packages');
  return readdirSync(dir)
    .map((name) => join(dir, name))
    .filter((path) => existsSync(join(path, 'package.json')))
    .map((path) => ({ dir: path, manifest: readJson(join(path, 'package.json')) }))
    .filter(({ manifest }) => !manifest.private);
}

// The working tree as git sees it (tracked and untracked files, not ignored ones), so the
// rehearsal publishes what would be committed, built afresh.
function copyRepository(to) {
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 })
    .split('\0')
    .filter(Boolean);
  for (const file of files) {
    const from = join(root, file);
    if (!existsSync(from)) continue; // deleted in the working tree, not yet in the index
    mkdirSync(dirname(join(to, file)), { recursive: true });
    cpSync(from, join(to, file), { verbatimSymlinks: true });
  }
  // turbo's local cache: a build of unchanged sources is restored instead of rerun.
  // It sits at the root of the main checkout, also when this is a git worktree.
  const commonDir = execFileSync('git', ['rev-parse', '--path-format=absolute', '--git-common-dir'], { cwd: root, encoding: 'utf8' }).trim();
  const turboCache = [join(root, '.turbo', 'cache'), join(dirname(commonDir), '.turbo', 'cache')].find((dir) => existsSync(dir));
  if (turboCache) cpSync(turboCache, join(to, '.turbo', 'cache'), { recursive: true });
  return files.length;
}

async function startRegistry(dir, verdaccioBin) {
  const port = await freePort();
  const url = assertLocalRegistry(`http://127.0.0.1:${port}/`);
  mkdirSync(dir, { recursive: true });
  // @ufbert packages are only ever served from this registry's own storage (no proxy);
  // everything else comes from the npm registry through the uplink.
  writeFileSync(
    join(dir, 'config.yaml'),
    [
      `storage: ${join(dir, 'storage')}`,
      'auth:',
      '  htpasswd:',
      `    file: ${join(dir, 'htpasswd')}`,
      'uplinks:',
      '  npmjs:',
      '    url: https://registry.npmjs.org/',
      '    timeout: 60s',
      'packages:',
      "  '@ufbert/*':",
      '    access: $all',
      '    publish: $all',
      "  '**':",
      '    access: $all',
      '    publish: $authenticated',
      '    proxy: npmjs',
      'max_body_size: 200mb',
      'server:',
      '  keepAliveTimeout: 60',
      'log: { type: stdout, format: pretty, level: warn }',
      '',
    ].join('\n'),
  );
  const log = openSync(join(dir, 'verdaccio.log'), 'a');
  const child = spawn(process.execPath, [verdaccioBin, '--config', join(dir, 'config.yaml'), '--listen', `127.0.0.1:${port}`], {
    cwd: dir,
    detached: true,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  children.add(child);
  let waited = false;
  const cancel = activeTimeout(TIMEOUTS.registryStart, () => {
    waited = true;
  });
  while (!waited) {
    if (child.exitCode !== null) break;
    try {
      const response = await fetch(`${url}-/ping`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) {
        cancel();
        return { url, child };
      }
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  cancel();
  const tail = readFileSync(join(dir, 'verdaccio.log'), 'utf8').trim().split('\n').slice(-15).join('\n');
  throw new RehearsalError(`verdaccio did not answer ${url}-/ping within ${TIMEOUTS.registryStart / 1000} s\n${tail}`);
}

async function stopRegistry({ child }) {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    killGroup(child);
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
  }
  children.delete(child);
}

// An .npmrc that points npm and pnpm at the local registry with a token that means nothing
// anywhere else, and an environment that makes it the only configuration they read.
function registryEnvironment(url, npmrc) {
  assertLocalRegistry(url);
  const host = url.replace(/^http:/, '');
  writeFileSync(npmrc, `registry=${url}\n${host}:_authToken=ufbert-release-rehearsal-not-a-token\n`);
  writeFileSync(`${npmrc}.global`, '');
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (/^(npm_config_|pnpm_config_)/i.test(key) || key === 'NODE_AUTH_TOKEN' || key === 'NPM_TOKEN') delete env[key];
  }
  return {
    ...env,
    npm_config_registry: url,
    npm_config_userconfig: npmrc,
    npm_config_globalconfig: `${npmrc}.global`,
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    PNPM_CONFIG_REGISTRY: url,
    PNPM_CONFIG_UPDATE_NOTIFIER: 'false',
    TURBO_TELEMETRY_DISABLED: '1',
    DO_NOT_TRACK: '1',
    CI: 'true',
  };
}

async function assertClientsUseRegistry(url, cwd, env, clients = CLIENTS) {
  for (const client of clients) {
    const configured = (await run(`${client} registry check`, client, ['config', 'get', 'registry'], { cwd, env, timeoutMs: TIMEOUTS.query })).trim();
    if (configured !== url) throw new RehearsalError(`${client} in ${cwd} would use registry ${configured}, expected ${url}; not publishing`);
  }
}

async function packument(url, name) {
  const response = await fetch(`${assertLocalRegistry(url)}${name.replace('/', '%2f')}`, { signal: AbortSignal.timeout(TIMEOUTS.query) });
  if (!response.ok) throw new RehearsalError(`${name}: the registry answers ${response.status} for its packument, expected it published`);
  return response.json();
}

function duKiB(path) {
  return Number(execFileSync('du', ['-sk', path], { encoding: 'utf8' }).split('\t')[0]);
}

// The `allowBuilds:` block of pnpm-workspace.yaml, as written there.
function allowBuildsBlock(workspaceYaml) {
  const lines = workspaceYaml.split('\n');
  const start = lines.indexOf('allowBuilds:');
  if (start === -1) return '';
  const end = lines.findIndex((line, i) => i > start && /^\S/.test(line));
  return `${lines
    .slice(start, end === -1 ? undefined : end)
    .join('\n')
    .trimEnd()}\n`;
}

function firstJsExample(readme) {
  const match = /^```js\n([\s\S]*?)^```$/m.exec(readme);
  return match ? match[1] : null;
}

// The exports map's targets, main, types and bin of a published manifest: files a user's
// import, type check or command line will look for.
function declaredFiles(manifest) {
  const files = new Set();
  const walk = (value) => {
    if (typeof value === 'string') files.add(value);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(manifest.exports);
  walk(manifest.main);
  walk(manifest.types);
  walk(manifest.bin);
  return [...files].filter((file) => !file.includes('*'));
}

function checkInstalledPackage(consumer, name, published, failures, where) {
  const dir = join(consumer, 'node_modules', name);
  if (!existsSync(dir)) {
    failures.push(`${name} (${where}): not importable from the consumer's node_modules after install`);
    return;
  }
  const manifest = readJson(join(dir, 'package.json'));
  if (manifest.version !== published.get(name))
    failures.push(`${name} (${where}): installed ${manifest.version}, expected the published ${published.get(name)}`);
  for (const file of [...REQUIRED_FILES, ...declaredFiles(manifest)]) {
    if (!existsSync(join(dir, file))) failures.push(`${name} (${where}): the published package lacks ${file}`);
  }
}

function checkPublishedManifest(name, manifest, published, failures) {
  const sections = ['dependencies', 'optionalDependencies', 'peerDependencies'];
  for (const section of sections) {
    for (const [dep, range] of Object.entries(manifest[section] ?? {})) {
      if (String(range).startsWith('workspace:'))
        failures.push(`${name}@${manifest.version}: ${section}.${dep} was published as ${range}, expected a version range`);
      else if (dep.startsWith('@ufbert/') && !published.has(dep))
        failures.push(`${name}@${manifest.version}: ${section}.${dep} (${range}) names a package this release did not publish`);
      else if (dep.startsWith('@ufbert/') && ![published.get(dep), `^${published.get(dep)}`, `~${published.get(dep)}`].includes(range)) {
        failures.push(`${name}@${manifest.version}: ${section}.${dep} is ${range}, expected it to admit the published ${published.get(dep)}`);
      }
    }
  }
}

let work;
async function rehearse() {
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
  const step = (message) => console.log(`[rehearsal ${elapsed()}] ${message}`);
  const verdaccioBin = join(dirname(createRequire(join(root, 'package.json')).resolve('verdaccio/package.json')), 'bin', 'verdaccio');

  work = mkdtempSync(join(tmpdir(), 'ufbert-release-rehearsal-'));
  const repo = join(work, 'repo');
  const failures = [];
  let registry;
  try {
    step(`copying the repository into ${repo}`);
    const fileCount = copyRepository(repo);
    step(`copied ${fileCount} files; starting verdaccio`);
    registry = await startRegistry(join(work, 'registry'), verdaccioBin);
    const { url } = registry;
    const env = registryEnvironment(url, join(work, 'npmrc'));
    writeFileSync(join(repo, '.npmrc'), readFileSync(join(work, 'npmrc')));
    step(`verdaccio listens on ${url}`);

    const git = (...args) =>
      run(`git ${args[0]} in the copy`, 'git', ['-c', 'user.name=release rehearsal', '-c', 'user.email=rehearsal@127.0.0.1', ...args], {
        cwd: repo,
        env,
        timeoutMs: TIMEOUTS.query,
      });
    await git('init', '-q', '-b', 'main');
    await git('add', '-A');
    await git('commit', '-q', '--no-verify', '-m', 'release rehearsal snapshot');

    await run('pnpm install in the copy', 'pnpm', ['install', '--frozen-lockfile', '--prefer-offline', '--reporter=silent'], {
      cwd: repo,
      env,
      timeoutMs: TIMEOUTS.install,
    });
    const packages = publishablePackages(repo);
    const before = new Map(packages.map(({ manifest }) => [manifest.name, manifest.version]));
    step(`building ${packages.length} publishable packages: ${[...before.keys()].join(', ')}`);
    const buildLog = await run(
      'turbo build in the copy',
      'pnpm',
      ['exec', 'turbo', 'run', 'build', '--output-logs=errors-only', ...packages.map(({ manifest }) => `--filter=${manifest.name}`)],
      { cwd: repo, env, timeoutMs: TIMEOUTS.build },
    );
    step(`built (${/Cached:\s+(.*)/.exec(buildLog)?.[1]?.trim() ?? 'turbo printed no cache summary'})`);

    step('changeset version');
    await run('changeset version', 'pnpm', ['exec', 'changeset', 'version'], { cwd: repo, env, timeoutMs: TIMEOUTS.changeset });
    const versioned = publishablePackages(repo);
    const published = new Map(versioned.map(({ manifest }) => [manifest.name, manifest.version]));
    for (const { dir, manifest } of versioned) {
      if (manifest.version !== before.get(manifest.name) && !existsSync(join(dir, 'CHANGELOG.md'))) {
        failures.push(`${manifest.name}: changeset version moved it to ${manifest.version} but wrote no CHANGELOG.md`);
      }
    }
    const pending = readdirSync(join(repo, '.changeset')).filter((file) => file.endsWith('.md') && file !== 'README.md');
    if (pending.length) failures.push(`changeset version left changesets unconsumed: ${pending.join(', ')}`);

    await assertClientsUseRegistry(url, repo, env);
    step(`changeset publish to ${url}`);
    await run('changeset publish', 'pnpm', ['exec', 'changeset', 'publish'], { cwd: repo, env, timeoutMs: TIMEOUTS.changeset });

    for (const [name, version] of published) {
      const document = await packument(url, name);
      const manifest = document.versions?.[version];
      if (!manifest) {
        failures.push(
          `${name}: version ${version} is not on the registry after changeset publish (it has ${Object.keys(document.versions ?? {}).join(', ') || 'none'})`,
        );
        continue;
      }
      checkPublishedManifest(name, manifest, published, failures);
    }

    const allowBuilds = allowBuildsBlock(readFileSync(join(repo, 'pnpm-workspace.yaml'), 'utf8'));
    const sizes = [];
    const consumers = join(work, 'consumers');
    for (const install of INSTALLS) {
      for (const client of CLIENTS) {
        const where = `${client}, ${install.label}`;
        const consumer = join(consumers, `${client}-${install.label}`);
        mkdirSync(consumer, { recursive: true });
        writeFileSync(
          join(consumer, 'package.json'),
          `${JSON.stringify({ name: `rehearsal-${client}-${install.label}`, private: true, type: 'module' }, null, 2)}\n`,
        );
        writeFileSync(join(consumer, '.npmrc'), readFileSync(join(work, 'npmrc')));
        // pnpm fails an install whose dependencies have unapproved build scripts; a user
        // approves them, and the consumer takes the workspace's own decisions.
        if (client === 'pnpm') writeFileSync(join(consumer, 'pnpm-workspace.yaml'), allowBuilds);
        const specs = install.packages.map((name) => (published.has(name) ? `${name}@${published.get(name)}` : name));
        step(`${client} install ${specs.join(' ')}`);
        await assertClientsUseRegistry(url, consumer, env, [client]);
        const args = client === 'npm' ? ['install', `--registry=${url}`, '--no-audit', '--no-fund', ...specs] : ['add', `--registry=${url}`, ...specs];
        // onnxruntime-node's install script would download CUDA providers from outside the
        // npm registry; its CPU binary ships in the package (the workspace skips it too).
        // Their metadata caches are temporary: one keyed by a port used once is no use later.
        const installEnv = {
          ...env,
          ONNXRUNTIME_NODE_INSTALL: 'skip',
          npm_config_cache: join(work, 'cache', 'npm'),
          PNPM_CONFIG_CACHE_DIR: join(work, 'cache', 'pnpm'),
        };
        try {
          await run(`${where}: install`, client, args, { cwd: consumer, env: installEnv, timeoutMs: TIMEOUTS.install });
        } catch (err) {
          failures.push(`${install.packages.join(' + ')} (${where}): does not install from the registry: ${err.message}`);
          continue;
        }
        const kib = duKiB(join(consumer, 'node_modules'));
        sizes.push({ client, install: install.label, packages: specs.join(' '), mib: kib / 1024 });
        // Also the @ufbert packages npm hoisted there as dependencies (pnpm links only the direct ones).
        const installed = readdirSync(join(consumer, 'node_modules', '@ufbert')).map((dir) => `@ufbert/${dir}`);
        for (const name of new Set([...install.packages.filter((n) => published.has(n)), ...installed]))
          checkInstalledPackage(consumer, name, published, failures, where);
        if (install.packages.includes('@ufbert/pipelines')) {
          // The bin as a user reaches it: npx from the consumer folder, no download.
          try {
            const printed = (
              await run(`ufbert --version (${where})`, 'npx', ['--no-install', 'ufbert', '--version'], { cwd: consumer, env, timeoutMs: TIMEOUTS.example })
            ).trim();
            if (printed !== published.get('@ufbert/pipelines'))
              failures.push(`@ufbert/pipelines (${where}): npx ufbert --version printed '${printed}', expected ${published.get('@ufbert/pipelines')}`);
            else step(`npx ufbert --version prints ${printed} (${where})`);
          } catch (err) {
            failures.push(err.message);
          }
        }
        for (const name of install.examples) {
          const readmePath = join(consumer, 'node_modules', name, 'README.md');
          if (!existsSync(readmePath)) continue;
          const example = firstJsExample(readFileSync(readmePath, 'utf8'));
          if (example === null) {
            failures.push(`${name} (${where}): its README has no \`\`\`js example to run`);
            continue;
          }
          const file = join(consumer, `example-${name.split('/').pop()}.mjs`);
          writeFileSync(file, example);
          try {
            await run(`${name} (${where}): README example`, process.execPath, [file], { cwd: consumer, env, timeoutMs: TIMEOUTS.example });
            step(`${name} README example runs (${where})`);
          } catch (err) {
            failures.push(err.message);
          }
        }
      }
    }

    console.log('\nversions:');
    for (const [name, version] of published) console.log(`  ${name.padEnd(24)} ${before.get(name)} -> ${version}`);
    console.log('install sizes (du -sk node_modules):');
    for (const { client, packages: specs, mib } of sizes) console.log(`  ${client.padEnd(5)} ${specs.padEnd(56)} ${mib.toFixed(1)} MiB`);
    return report(failures);
  } finally {
    if (registry) await stopRegistry(registry);
    killAll();
    rmSync(work, { recursive: true, force: true });
    step('registry stopped, temporary folder removed');
  }
}

function report(failures) {
  if (failures.length === 0) {
    console.log('PASS release rehearsal: every package versioned, published, installed and its example ran');
    return 0;
  }
  for (const failure of failures) console.error(`FAIL ${failure}`);
  return 1;
}

rehearse().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`FAIL release rehearsal: ${err instanceof RehearsalError ? err.message : err.stack}`);
    process.exit(1);
  },
);
