import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FILE_LIMITS, FileLayerError, pathKind, readBytes, readTextSync } from '@ufbert/tensor/node';
import { BrowserUnavailableError } from './errors.js';
import { benchPageHtml, MODULE_PREFIX, MODEL_PREFIX, PAGE_SCRIPT } from './page-html.js';

/**
 * The headers that make a page cross-origin isolated (`crossOriginIsolated` true), the
 * condition for SharedArrayBuffer and so for onnxruntime-web's wasm threads; CORP on every
 * response lets the isolated page load it. `isolated: false` leaves them out, to show the
 * bench refuses threaded rows on such a page.
 */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
} as const;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
  '.onnx': 'application/octet-stream',
  '.bin': 'application/octet-stream',
};

/** A package's folder: the nearest folder above its resolved entry with its package.json (exports maps may hide the file itself). */
function packageDir(name: string): string {
  let dir = dirname(fileURLToPath(import.meta.resolve(name)));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (
      pathKind(manifest) === 'file' &&
      (JSON.parse(readTextSync(manifest, { what: 'package manifest', maxBytes: FILE_LIMITS.json })) as { name?: string }).name === name
    )
      return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json named ${name} above its entry`);
    dir = up;
  }
}

/** The folders the page imports at run time, under /modules/<name>/ (no CDN: served from node_modules). */
function moduleRoots(): Map<string, string> {
  const roots = new Map<string, string>();
  for (const name of ['onnxruntime-web']) {
    try {
      roots.set(name, packageDir(name));
    } catch (err) {
      throw new BrowserUnavailableError(`the browser page needs ${name}, which the bench cannot resolve (${(err as Error).message}); run pnpm install`);
    }
  }
  return roots;
}

/** dist/browser/page/, where the page's bundle is built (this file runs from src/browser or dist/browser). */
const PAGE_DIR = fileURLToPath(new URL('../../dist/browser/page/', import.meta.url));

export interface BenchServerOptions {
  /** Files the page fetches from /models/<name>: ONNX graphs and raw weights made by the bench. */
  models: ReadonlyMap<string, Uint8Array>;
  isolated?: boolean;
}

export interface BenchServer {
  /** http://127.0.0.1:<port>/ */
  url: string;
  close(): Promise<void>;
}

/** A path under `root`, or undefined for a path that leaves it; whether it is a regular file is the read's to check. */
function fileUnder(root: string, relative: string): string | undefined {
  const path = normalize(join(root, relative));
  if (path !== root && !path.startsWith(root.endsWith(sep) ? root : root + sep)) return undefined;
  return path;
}

/**
 * Serves the bench page on 127.0.0.1 at a random port: the page, its bundle, onnxruntime-web
 * with its .wasm files, and the bench's models, each response with the isolation headers.
 */
export async function serveBenchPage(options: BenchServerOptions): Promise<BenchServer> {
  if (pathKind(join(PAGE_DIR, PAGE_SCRIPT)) === 'missing') {
    throw new BrowserUnavailableError(`the bench page's script ${join(PAGE_DIR, PAGE_SCRIPT)} is missing; build the bench first (pnpm --filter bench build)`);
  }
  const roots = moduleRoots();
  const headers = options.isolated === false ? {} : ISOLATION_HEADERS;
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const send = (status: number, type: string, body?: Uint8Array | string) => {
      res.writeHead(status, { ...headers, 'Content-Type': type, 'Cache-Control': 'no-store' });
      res.end(body);
    };
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    } catch {
      // A malformed escape (`%E0`) is the client's error; thrown here it would end the whole bench.
      return send(400, 'text/plain', 'malformed path');
    }
    if (path === '/') return send(200, TYPES['.html'], benchPageHtml());
    if (path.startsWith(MODEL_PREFIX)) {
      const bytes = options.models.get(path.slice(MODEL_PREFIX.length));
      return bytes ? send(200, TYPES['.bin'], bytes) : send(404, 'text/plain', `no model ${path}`);
    }
    let file: string | undefined;
    if (path.startsWith('/page/')) file = fileUnder(PAGE_DIR, path.slice('/page/'.length));
    else if (path.startsWith(MODULE_PREFIX)) {
      const rest = path.slice(MODULE_PREFIX.length);
      const name = [...roots.keys()].find((n) => rest.startsWith(`${n}/`));
      if (name) file = fileUnder(roots.get(name)!, rest.slice(name.length + 1));
    }
    if (!file) return send(404, 'text/plain', `not found: ${path}`);
    let bytes: Uint8Array;
    try {
      // A regular file only, bounded: a FIFO or device under a served folder is a 404, not a hung request.
      bytes = await readBytes(file, { what: 'page file', maxBytes: FILE_LIMITS.onnx });
    } catch (error) {
      if (error instanceof FileLayerError) return send(404, 'text/plain', `not found: ${path}`);
      throw error;
    }
    send(200, TYPES[extname(file)] ?? 'application/octet-stream', bytes);
  };
  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
