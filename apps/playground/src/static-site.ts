import { createServer } from 'node:http';
import { FILE_LIMITS, FileLayerError, readBytes } from '@ufbert/tensor/node';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
};

/** The headers the site is served with: cross-origin isolated, as the dev server and preview serve it (vite.config.ts). */
export const ISOLATION_HEADERS = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-resource-policy': 'same-origin',
};

export interface StaticSite {
  /** The site's root URL, ending in a slash. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves the files under `root` on 127.0.0.1 (a secure context, as WebGPU needs) under the
 * path `prefix`, as any static host would: no rewriting, no fallback page, 404 for anything else;
 * with the isolation headers, as a host configured by dist/_headers sends them.
 */
export async function serveStaticSite(root: string, prefix = '/'): Promise<StaticSite> {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://host').pathname);
    const inside = path.startsWith(prefix) ? normalize(path.slice(prefix.length)) : undefined;
    const file =
      inside === undefined || inside.startsWith('..')
        ? undefined
        : join(root, inside === '.' || inside.endsWith(sep) || inside === '' ? join(inside, 'index.html') : inside);
    // Regular files only, bounded: a folder, a FIFO or a device is a 404, as on any static host.
    const bytes = file
      ? await readBytes(file, { what: 'site file', maxBytes: FILE_LIMITS.onnx }).catch((error: unknown) => {
          if (error instanceof FileLayerError) return undefined;
          throw error;
        })
      : undefined;
    if (!bytes) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { ...ISOLATION_HEADERS, 'content-type': TYPES[extname(file!)] ?? 'application/octet-stream' });
    res.end(bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    close: () => new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
