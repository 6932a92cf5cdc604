import { execFile } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { setBackend } from '@ufbert/tensor';
import { FileLayerError } from '@ufbert/tensor/node';
import { DownloadError, HubIdError, ModelLoadError, ModelNotCachedError } from '../errors.js';
import { pipeline } from '../pipeline.js';
import type { ProgressInfo } from '../progress.js';
import type { FillMaskCandidate } from '../tasks/fill-mask.js';
import { LocalHub, folderFiles, sha256, type StorageFault } from '../test-utils/local-hub.js';
import { writeTinyModels } from '../test-utils/tiny-models.js';
import { env } from './hub-env.js';
import { modelFolder } from './model-name.js';

const work = mkdtempSync(join(tmpdir(), 'ufbert-hub-'));
const TOKEN = 'hf_test_token_never_printed';
const TEXT = 'the capital of france is <mask>.';
// A model folder in exactly the layout of pbelcak/UltraFastBERT-1x11-long (config.json with arch, no decoder.weight, <mask> tokens).
const PUBLISHED = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'fixtures', 'published-layout');
let hub: LocalHub;
let mlmDir: string;
let commit: string;
let cache: string;
let cacheCount = 0;

const saved = { ...process.env };

beforeAll(async () => {
  await setBackend('cpu');
  ({ mlmDir } = await writeTinyModels(work));
  hub = await LocalHub.start();
  commit = hub.publish('pbelcak/tiny-fff', folderFiles(PUBLISHED));
  // A repository without weights: not a model ufbert can load.
  hub.publish('someone/readme-only', new Map([['README.md', new TextEncoder().encode('# nothing here')]]));
});

beforeEach(() => {
  cache = join(work, `cache-${cacheCount++}`);
  // The Python hub's variables, as a user would set them.
  process.env.HF_ENDPOINT = hub.endpoint;
  process.env.HF_HUB_CACHE = cache;
  process.env.HF_TOKEN = TOKEN;
  delete process.env.HF_HUB_OFFLINE;
  hub.requests.length = 0;
  hub.faults.clear();
});

afterEach(() => {
  for (const key of ['HF_ENDPOINT', 'HF_HUB_CACHE', 'HF_TOKEN', 'HF_HUB_OFFLINE'])
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  env.allowRemoteModels = undefined as unknown as boolean;
  env.localModelPath = undefined;
});

afterAll(async () => {
  await hub.stop();
  rmSync(work, { recursive: true, force: true });
});

const repoDir = () => join(cache, 'models--pbelcak--tiny-fff');
const best = async (model: string, options = {}) => {
  const fill = await pipeline('fill-mask', model, { runtime: 'tfjs', device: 'cpu', ...options });
  try {
    return ((await fill(TEXT)) as FillMaskCandidate[])[0];
  } finally {
    await fill.dispose();
  }
};

/** Nothing of a failed download may be usable: no snapshot, no ref, no temporary file, no blob of the failing file. */
function expectNoUsableSnapshot(failedBlob: string): void {
  const all = existsSync(repoDir()) ? readdirSync(repoDir(), { recursive: true }).map(String) : [];
  expect(all.filter((f) => f.startsWith('snapshots/') || f.startsWith('refs/') || f.includes('.ufbert-tmp-') || f.endsWith(failedBlob))).toEqual([]);
}

describe('models by hub id (a local hub and file storage)', () => {
  it('fill-mask by id equals fill-mask on the same folder, with progress that names the storage redirect, the token kept from the storage', async () => {
    const events: ProgressInfo[] = [];
    const byId = await best('pbelcak/tiny-fff', { progress_callback: (e: ProgressInfo) => events.push(e) });
    expect(byId).toEqual(await best(PUBLISHED));
    const weights = events.filter((e) => 'file' in e && e.file === 'model.safetensors');
    expect(weights[0].status).toBe('initiate');
    expect(weights.find((e) => e.status === 'download')).toEqual({
      status: 'download',
      name: 'pbelcak/tiny-fff',
      file: 'model.safetensors',
      host: hub.storage,
    });
    expect(weights.at(-1)!.status).toBe('done');
    expect(events.at(-1)).toEqual({ status: 'ready', task: 'fill-mask', model: 'pbelcak/tiny-fff' });
    expect(hub.requests.filter((r) => r.host === 'hub').every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(hub.requests.filter((r) => r.host === 'storage').map((r) => r.authorization)).toEqual([undefined]);

    // Python's layout: refs/main names the commit, snapshot files are relative links into blobs/ named by the hub's etags,
    // and the files the commit lacks are remembered under .no_exist.
    expect(readFileSync(join(repoDir(), 'refs', 'main'), 'utf8')).toBe(commit);
    const weightsLink = join(repoDir(), 'snapshots', commit, 'model.safetensors');
    expect(lstatSync(weightsLink).isSymbolicLink()).toBe(true);
    expect(readlinkSync(weightsLink)).toBe(`../../blobs/${sha256(readFileSync(join(PUBLISHED, 'model.safetensors')))}`);
    expect(existsSync(join(repoDir(), '.no_exist', commit, 'model_config.json'))).toBe(true);

    hub.requests.length = 0;
    expect(await best('pbelcak/tiny-fff')).toEqual(byId);
    expect(hub.requests).toEqual([]);
  });

  it('loads a cached model offline with no request (HF_HUB_OFFLINE, local_files_only), and says clearly when it is not cached', async () => {
    await modelFolder('pbelcak/tiny-fff');
    hub.requests.length = 0;
    process.env.HF_ENDPOINT = 'http://127.0.0.1:1';
    process.env.HF_HUB_OFFLINE = '1';
    expect(await modelFolder('pbelcak/tiny-fff')).toBe(join(repoDir(), 'snapshots', commit));
    delete process.env.HF_HUB_OFFLINE;
    expect(await modelFolder('pbelcak/tiny-fff', { local_files_only: true })).toBe(join(repoDir(), 'snapshots', commit));
    expect(hub.requests).toEqual([]);
    const missing = modelFolder('pbelcak/other-model', { local_files_only: true });
    await expect(missing).rejects.toThrow(ModelNotCachedError);
    await expect(missing).rejects.toThrow(/pbelcak\/other-model \(revision main\) is not in the cache .* local_files_only is set/);
  });

  it('looks a name up under env.localModelPath first, and off the network with env.allowRemoteModels = false', async () => {
    const models = join(work, 'local-models');
    mkdirSync(join(models, 'pbelcak'), { recursive: true });
    symlinkSync(PUBLISHED, join(models, 'pbelcak', 'tiny-fff'));
    env.localModelPath = models;
    expect(await modelFolder('pbelcak/tiny-fff')).toBe(join(models, 'pbelcak', 'tiny-fff'));
    env.localModelPath = undefined;
    env.allowRemoteModels = false;
    await expect(modelFolder('pbelcak/tiny-fff')).rejects.toThrow(/remote models are off/);
    expect(hub.requests).toEqual([]);
  });

  it('uses a cache in Python layout made by hand as it is', async () => {
    const dir = join(cache, 'models--python--made');
    const pythonCommit = 'a'.repeat(40);
    mkdirSync(join(dir, 'blobs'), { recursive: true });
    mkdirSync(join(dir, 'snapshots', pythonCommit), { recursive: true });
    mkdirSync(join(dir, 'refs'), { recursive: true });
    writeFileSync(join(dir, 'refs', 'main'), pythonCommit);
    for (const [file, bytes] of folderFiles(PUBLISHED)) {
      writeFileSync(join(dir, 'blobs', sha256(bytes)), bytes);
      symlinkSync(`../../blobs/${sha256(bytes)}`, join(dir, 'snapshots', pythonCommit, file));
    }
    expect(await best('python/made')).toEqual(await best(PUBLISHED));
    expect(hub.requests).toEqual([]);
  });

  it.each<[StorageFault, RegExp]>([
    ['truncate', /model\.safetensors.*(ended after|failed after)/],
    ['changed', /expected model\.safetensors of pbelcak\/tiny-fff to have the sha256 [0-9a-f]{64}, got [0-9a-f]{64}/],
    ['huge-length', /declared 10000000000000 bytes, more than the \d+ allowed/],
    ['slow', /did not finish within 800 ms/],
    ['error', /expected 200 OK, got 500/],
  ])('a %s download of the weights ends in a DownloadError within seconds and leaves no usable snapshot', async (fault, message) => {
    const weights = sha256(readFileSync(join(PUBLISHED, 'model.safetensors')));
    hub.faults.set(weights, fault);
    const started = Date.now();
    const load = modelFolder('pbelcak/tiny-fff', { download_timeout_ms: 800, stall_timeout_ms: 2000 });
    await expect(load).rejects.toThrow(DownloadError);
    await expect(load).rejects.toThrow(message);
    expect(Date.now() - started).toBeLessThan(5000);
    await load.catch((error: Error) => {
      expect(error.message).not.toContain(TOKEN);
      expect(error.message).not.toContain('signed-secret');
    });
    expectNoUsableSnapshot(weights);
    // The storage fixed, the next load downloads what is missing and works.
    hub.faults.clear();
    expect(await modelFolder('pbelcak/tiny-fff')).toBe(join(repoDir(), 'snapshots', commit));
  });

  it('never mixes two commits: a failed download of a new main leaves the old snapshot whole, and the new one loads complete', async () => {
    const v1 = await best('pbelcak/tiny-fff');
    const v2Files = folderFiles(mlmDir);
    const v2 = hub.publish('pbelcak/tiny-fff', v2Files);
    try {
      hub.faults.set(sha256(v2Files.get('model.safetensors')!), 'truncate');
      await expect(modelFolder('pbelcak/tiny-fff', { revision: v2 })).rejects.toThrow(DownloadError);
      expect(existsSync(join(repoDir(), 'snapshots', v2))).toBe(false);
      expect(await best('pbelcak/tiny-fff')).toEqual(v1);
      hub.faults.clear();
      const folder = await modelFolder('pbelcak/tiny-fff', { revision: v2 });
      expect(readFileSync(join(folder, 'model.safetensors')).equals(readFileSync(join(mlmDir, 'model.safetensors')))).toBe(true);
    } finally {
      hub.publish('pbelcak/tiny-fff', folderFiles(PUBLISHED));
    }
  });

  it('refuses malformed ids, an unknown revision or repository, a cache on /proc, and a repository without a model, naming what was expected', async () => {
    for (const id of ['a/b/c', '../x', '', 'owner/na--me']) {
      await expect(modelFolder(id)).rejects.toThrow(HubIdError);
    }
    await expect(modelFolder('a/b/c')).rejects.toThrow(
      /expected a model folder, an http\(s\) URL or a hub id owner\/name .* got 'a\/b\/c': no such folder, and as a hub id 2 '\/'/,
    );
    await expect(modelFolder('')).rejects.toThrow(/got '': no such folder, and as a hub id an empty string/);
    await expect(modelFolder('pbelcak/tiny-fff', { revision: 'no-such-branch' })).rejects.toThrow(
      /expected the hub at .* to have the model repository pbelcak\/tiny-fff with revision no-such-branch, got 404/,
    );
    await expect(modelFolder('pbelcak/tiny-fff', { revision: '../../etc' })).rejects.toThrow(HubIdError);
    await expect(modelFolder('nobody/nothing')).rejects.toThrow(HubIdError);
    const started = Date.now();
    await expect(modelFolder('pbelcak/tiny-fff', { cache_dir: '/proc/x' })).rejects.toThrow(FileLayerError);
    expect(Date.now() - started).toBeLessThan(5000);
    const notAModel = modelFolder('someone/readme-only');
    await expect(notAModel).rejects.toThrow(ModelLoadError);
    await expect(notAModel).rejects.toThrow(
      /expected someone\/readme-only at [0-9a-f]{12} to hold a crammedBERT model .* no model\.safetensors \(files: README\.md\)/,
    );
  });

  it('the CLI takes --model owner/name --revision REV: exit 0 with the results, 1 for an unknown revision, 2 for a usage error', async () => {
    const args = ['fill-mask', '--model', 'pbelcak/tiny-fff', '--runtime', 'tfjs', '--device', 'cpu', '--top-k', '1', '--json'];
    const ok = await cli(...args, '--revision', 'main', TEXT);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toContain(`ufbert: downloading model.safetensors of pbelcak/tiny-fff from ${hub.storage}`);
    expect(JSON.parse(ok.stdout)[0]).toEqual(await best(PUBLISHED));
    const unknown = await cli(...args, '--revision', 'no-such-branch', TEXT);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^ufbert: HubIdError: expected the hub at .* pbelcak\/tiny-fff with revision no-such-branch, got 404/);
    expect(unknown.stderr).not.toContain(TOKEN);
    expect((await cli(...args, '--revision')).code).toBe(2);
  });
});

const cliPath = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'cli.js');

/** The built CLI in a child process, asynchronously: the local hub answers from this process's event loop. */
function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cliPath, ...args], { env: { ...process.env } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}
