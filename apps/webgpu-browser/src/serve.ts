import { createReadStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, preview, type InlineConfig, type Plugin } from 'vite';
import { FIXTURES } from '../../../fixtures/index.js';

const appDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Serves the fixture files at /fixtures/<name>, nothing else from that folder. */
function fixtures(dir: string): Plugin {
  return {
    name: 'ufbert-fixtures',
    configurePreviewServer(server) {
      server.middlewares.use('/fixtures', (req, res, next) => {
        const file = join(dir, basename(decodeURIComponent((req.url ?? '').split('?')[0])));
        if (!existsSync(file) || !statSync(file).isFile()) return next();
        res.setHeader('content-type', file.endsWith('.json') ? 'application/json' : 'application/octet-stream');
        createReadStream(file).pipe(res);
      });
    },
  };
}

export interface ServedPage {
  readonly url: string;
  close(): Promise<void>;
}

/** Builds page/ with Vite into a fresh temporary folder and serves it on 127.0.0.1 (a secure context, as WebGPU needs). */
export async function servePage(): Promise<ServedPage> {
  const outDir = mkdtempSync(join(tmpdir(), 'ufbert-webgpu-page-'));
  const config: InlineConfig = {
    root: join(appDir, 'page'),
    configFile: false,
    logLevel: 'warn',
    plugins: [fixtures(FIXTURES)],
    // Unminified, so that errors from the page keep their class names.
    build: { outDir, emptyOutDir: true, target: 'es2022', minify: false, chunkSizeWarningLimit: 16384 },
    preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false },
  };
  await build(config);
  const server = await preview(config);
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview did not report the URL it serves');
  return {
    url,
    async close() {
      await server.close();
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}
