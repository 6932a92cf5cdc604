import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '@ufbert/tensor';
import { FileLayerError } from '@ufbert/tensor/node';
import { pipeline } from './pipeline.js';
import { downloadModel } from './download-model.js';
import { DownloadError, ModelLoadError } from './errors.js';
import type { ProgressInfo } from './progress.js';
import { writeTinyModels } from './test-utils/tiny-models.js';
import type { FillMaskCandidate } from './tasks/fill-mask.js';

const work = mkdtempSync(join(tmpdir(), 'ufbert-download-'));
let mlmDir: string;
let server: Server;
let base: string;
const requests: string[] = [];

/**
 * Serves mlmDir on 127.0.0.1 under /<mode>/<file>: `ok`; `slow` (model.safetensors in 8
 * pieces, 40 ms apart); `error` (500 for tokenizer.json); `reset` (the connection closed
 * halfway through model.safetensors); `stall` (headers, then nothing); `signed` (403 unless the
 * query string is ?sig=abc); `auth` (401 unless Basic user:secret-pw); `away` (a redirect to
 * another host, localhost); `huge` (model.safetensors declared as 10 TB).
 */
function serve(): Promise<void> {
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const url = new URL(req.url ?? '/', 'http://server');
    const [, mode, file] = url.pathname.split('/');
    const path = join(mlmDir, file ?? '');
    if (!['ok', 'slow', 'error', 'reset', 'stall', 'signed', 'auth', 'away', 'huge'].includes(mode) || !file || !existsSync(path))
      return void res.writeHead(404).end();
    if (mode === 'signed' && url.searchParams.get('sig') !== 'abc') return void res.writeHead(403).end();
    if (mode === 'auth' && req.headers.authorization !== `Basic ${Buffer.from('user:secret-pw').toString('base64')}`) return void res.writeHead(401).end();
    if (mode === 'away') return void res.writeHead(302, { location: `http://localhost:${(server.address() as AddressInfo).port}/ok/${file}` }).end();
    if (mode === 'huge' && file === 'model.safetensors') return void res.writeHead(200, { 'content-length': String(10 ** 13) }).end();
    const body = readFileSync(path);
    const isModel = file === 'model.safetensors';
    if (mode === 'error' && file === 'tokenizer.json') return void res.writeHead(500, 'Internal Server Error').end('boom');
    res.writeHead(200, { 'content-length': body.length });
    if (mode === 'stall' && isModel) return;
    if (mode === 'reset' && isModel) {
      res.write(body.subarray(0, body.length >> 1));
      setTimeout(() => res.socket?.destroy(), 20);
      return;
    }
    if (mode === 'slow' && isModel) {
      const piece = Math.ceil(body.length / 8);
      let at = 0;
      const next = () => {
        res.write(body.subarray(at, at + piece));
        at += piece;
        if (at < body.length) setTimeout(next, 40);
        else res.end();
      };
      return next();
    }
    res.end(body);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
}

beforeAll(async () => {
  await setBackend('cpu');
  ({ mlmDir } = await writeTinyModels(work));
  await serve();
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  rmSync(work, { recursive: true, force: true });
});

describe('models from a URL', () => {
  it('downloads with per-file progress events into the cache, runs, and reuses the cache', async () => {
    const events: ProgressInfo[] = [];
    const cache = join(work, 'cache-ok');
    const fill = await pipeline('fill-mask', `${base}/ok`, { threads: 1, cache_dir: cache, progress_callback: (e) => events.push(e) });
    try {
      const local = await pipeline('fill-mask', mlmDir, { threads: 1 });
      const text = 'the capital of france is [MASK].';
      expect(((await fill(text)) as FillMaskCandidate[])[0]).toEqual(((await local(text)) as FillMaskCandidate[])[0]);
      await local.dispose();
    } finally {
      await fill.dispose();
    }
    const model = events.filter((e) => 'file' in e && e.file === 'model.safetensors').map((e) => e.status);
    expect(model[0]).toBe('initiate');
    expect(model).toContain('download');
    expect(model).toContain('progress');
    expect(model.at(-1)).toBe('done');
    const last = events.filter((e): e is Extract<ProgressInfo, { status: 'progress' }> => e.status === 'progress' && e.file === 'model.safetensors').at(-1)!;
    expect(last.progress).toBe(100);
    expect(last.loaded).toBe(last.total);
    expect(events.at(-1)).toEqual({ status: 'ready', task: 'fill-mask', model: `${base}/ok` });
    // tokenizer_config.json is optional: a 404 is not an error.
    expect(requests).toContain('/ok/tokenizer_config.json');

    const before = requests.length;
    await downloadModel(new URL(`${base}/ok`), { cache_dir: cache });
    expect(requests.length - before).toBe(0); // the files the server did not have (404s) are remembered in the snapshot
  });

  it('follows a slow server to the end, with progress per piece', async () => {
    const events: ProgressInfo[] = [];
    const folder = await downloadModel(new URL(`${base}/slow/`), {
      cache_dir: join(work, 'cache-slow'),
      progress_callback: (e) => events.push(e),
      stall_timeout_ms: 2000,
    });
    expect(readFileSync(join(folder, 'model.safetensors')).equals(readFileSync(join(mlmDir, 'model.safetensors')))).toBe(true);
    expect(events.filter((e) => e.status === 'progress' && e.file === 'model.safetensors').length).toBeGreaterThanOrEqual(4);
  });

  it('fails with a typed error naming the URL on a 500, a reset connection or a stall, and caches nothing partial', async () => {
    const cache = join(work, 'cache-failing');
    await expect(downloadModel(new URL(`${base}/error`), { cache_dir: cache })).rejects.toThrow(
      /download of http:\/\/127\.0\.0\.1:\d+\/error\/tokenizer\.json: expected 200 OK, got 500 Internal Server Error/,
    );
    const resetCache = join(work, 'cache-reset');
    const reset = downloadModel(new URL(`${base}/reset`), { cache_dir: resetCache, stall_timeout_ms: 2000 });
    await expect(reset).rejects.toThrow(ModelLoadError);
    await expect(reset).rejects.toThrow(/\/reset\/model\.safetensors/);
    const leftovers = readdirSync(resetCache, { recursive: true }).map(String);
    expect(leftovers.filter((f) => f.endsWith('model.safetensors') || f.includes('.ufbert-tmp-'))).toEqual([]);
    const started = Date.now();
    await expect(downloadModel(new URL(`${base}/stall`), { cache_dir: cache, stall_timeout_ms: 300 })).rejects.toThrow(
      /download of .*\/stall\/model\.safetensors: stalled: no data for 300 ms/,
    );
    expect(Date.now() - started).toBeLessThan(5000);
    await expect(pipeline('fill-mask', `${base}/missing`, { cache_dir: cache })).rejects.toThrow(/expected model\.safetensors under .*\/missing\/ .* got 404/);
    await expect(pipeline('fill-mask', join(work, 'no-such-folder'))).rejects.toThrow(
      /expected a model folder, an http\(s\) URL or a hub id owner\/name .* no such folder/,
    );
  });

  it('keeps the query string on every file, sends user:password to that host only and never prints it, refuses another host and a huge declared length', async () => {
    const cache = join(work, 'cache-rules');
    const signed = await downloadModel(new URL(`${base}/signed/?sig=abc`), { cache_dir: cache });
    expect(readFileSync(join(signed, 'model.safetensors')).equals(readFileSync(join(mlmDir, 'model.safetensors')))).toBe(true);
    const withCredentials = new URL(`${base}/auth/`);
    withCredentials.username = 'user';
    withCredentials.password = 'secret-pw';
    expect(readFileSync(join(await downloadModel(withCredentials, { cache_dir: cache }), 'tokenizer.json')).length).toBeGreaterThan(0);
    const denied = new URL(withCredentials.href);
    denied.password = 'wrong-pw';
    const failure = await downloadModel(denied, { cache_dir: join(work, 'cache-denied') }).catch((error: Error) => error);
    expect(failure).toBeInstanceOf(DownloadError);
    expect((failure as Error).message).toMatch(/download of http:\/\/127\.0\.0\.1:\d+\/auth\/model\.safetensors: expected 200 OK, got 401/);
    expect((failure as Error).message).not.toMatch(/wrong-pw|user/);
    await expect(downloadModel(new URL(`${base}/away/`), { cache_dir: join(work, 'cache-away') })).rejects.toThrow(
      /was redirected to another host \(http:\/\/localhost:\d+\/ok\/model\.safetensors\)/,
    );
    const started = Date.now();
    await expect(downloadModel(new URL(`${base}/huge/`), { cache_dir: join(work, 'cache-huge') })).rejects.toThrow(
      /declared 10000000000000 bytes, more than the \d+ allowed for this file/,
    );
    expect(Date.now() - started).toBeLessThan(2000);
    expect(
      readdirSync(join(work, 'cache-huge'), { recursive: true })
        .map(String)
        .filter((f) => f.startsWith('snapshots') || f.includes('.ufbert-tmp-')),
    ).toEqual([]);
  });

  it('refuses a cache folder under /proc at once, before any request (--cache-dir /proc/x)', async () => {
    const before = requests.length;
    const started = performance.now();
    await expect(downloadModel(new URL(`${base}/fast/`), { cache_dir: '/proc/ufbert-cache' })).rejects.toThrow(FileLayerError);
    await expect(downloadModel(new URL(`${base}/fast/`), { cache_dir: '/proc/ufbert-cache' })).rejects.toThrow(
      /^\/proc\/ufbert-cache\/urls--[0-9a-f]+\/blobs: the download cache is on procfs \(at \/proc\), a virtual file system; choose a folder on a disk$/,
    );
    expect(performance.now() - started).toBeLessThan(1000);
    expect(requests.length).toBe(before);
  });
});
