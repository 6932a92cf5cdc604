import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DownloadError, HubIdError, ModelLoadError, ModelNotCachedError } from '../errors.js';
import type { ProgressInfo } from '../progress.js';
import { LocalHub, folderFiles, sha256 } from '../test-utils/local-hub.js';
import { fetchModelFiles } from './web-model-files.js';

const PUBLISHED = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'fixtures', 'published-layout');
let hub: LocalHub;

/** The Cache API as far as fetchModelFiles uses it (Node has none; the page's test runs the real one). */
class MemoryCache {
  readonly entries = new Map<string, Response>();
  async match(key: string) {
    return this.entries.get(key)?.clone();
  }
  async put(key: string, response: Response) {
    this.entries.set(key, response);
  }
}
let cache: MemoryCache;

beforeAll(async () => {
  hub = await LocalHub.start();
  hub.publish('pbelcak/tiny-fff', folderFiles(PUBLISHED));
});

beforeEach(() => {
  cache = new MemoryCache();
  (globalThis as { caches?: unknown }).caches = { open: async () => cache };
  hub.requests.length = 0;
  hub.faults.clear();
});

afterAll(async () => {
  delete (globalThis as { caches?: unknown }).caches;
  await hub.stop();
});

describe('fetchModelFiles (the page side of hub ids and URLs)', () => {
  it('fetches the files of a hub id with progress, checks them, keeps them in the cache, and reloads with no request', async () => {
    const events: ProgressInfo[] = [];
    const files = await fetchModelFiles('pbelcak/tiny-fff', { remoteHost: hub.endpoint, progress_callback: (e) => events.push(e) });
    for (const [file, bytes] of folderFiles(PUBLISHED))
      if (!file.endsWith('_24.json')) expect(Buffer.from(files.get(file)!).equals(Buffer.from(bytes))).toBe(true);
    expect(events.find((e) => e.status === 'download' && e.file === 'model.safetensors')).toEqual({
      status: 'download',
      name: 'pbelcak/tiny-fff',
      file: 'model.safetensors',
      host: hub.storage,
    });
    expect(events.some((e) => e.status === 'progress' && e.loaded === e.total && e.file === 'model.safetensors')).toBe(true);
    hub.requests.length = 0;
    const again = await fetchModelFiles('pbelcak/tiny-fff', { remoteHost: hub.endpoint, local_files_only: true });
    expect([...again.keys()].sort()).toEqual([...files.keys()].sort());
    expect(hub.requests).toEqual([]);
  });

  it('refuses a model too large for the page before downloading it, bytes other than the hub says, and ids it cannot use', async () => {
    await expect(fetchModelFiles('pbelcak/tiny-fff', { remoteHost: hub.endpoint, max_model_bytes: 1000 })).rejects.toThrow(
      /pbelcak\/tiny-fff is \d+ bytes, more than the 1000 bytes this page allows \(max_model_bytes\): too large to run here/,
    );
    expect(hub.requests.filter((r) => r.url.includes('/resolve/'))).toEqual([]);
    hub.faults.set(sha256(folderFiles(PUBLISHED).get('model.safetensors')!), 'changed');
    await expect(fetchModelFiles('pbelcak/tiny-fff', { remoteHost: hub.endpoint })).rejects.toThrow(DownloadError);
    expect(cache.entries.size).toBe(0);
    await expect(fetchModelFiles('pbelcak/tiny-fff', { remoteHost: hub.endpoint, local_files_only: true })).rejects.toThrow(ModelNotCachedError);
    await expect(fetchModelFiles('a/b/c', { remoteHost: hub.endpoint })).rejects.toThrow(HubIdError);
    await expect(fetchModelFiles('pbelcak/tiny-fff', { remoteHost: hub.endpoint, revision: 'nope' })).rejects.toThrow(HubIdError);
    await expect(fetchModelFiles('pbelcak/tiny-fff', { remoteHost: hub.endpoint, revision: 'nope' })).rejects.toThrow(ModelLoadError);
  });
});
