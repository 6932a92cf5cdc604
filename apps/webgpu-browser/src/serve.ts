import { tmpdir } from 'node:os';
import { FILE_LIMITS, FileLayerError, readBytes, removePath, ensureFolderSync } from '@ufbert/tensor/node';
import type { ServerResponse } from 'node:http';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, preview, type InlineConfig, type Plugin } from 'vite';
import { createRequire } from 'node:module';
import { loadModel } from '@ufbert/crammed-bert/node';
import { onnxModelBytes } from '@ufbert/onnx';
import { FIXTURES } from '../../../fixtures/index.js';
import { ONNX_FIXTURES } from '../page/onnxruntime-web.js';

const appDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Sends a regular file through the file layer; false (nothing sent) when there is none at `file`. */
async function sendFile(res: ServerResponse, file: string, type: string): Promise<boolean> {
  let bytes: Uint8Array;
  try {
    bytes = await readBytes(file, { what: 'served file', maxBytes: FILE_LIMITS.onnx });
  } catch (error) {
    if (error instanceof FileLayerError) return false;
    throw error;
  }
  res.setHeader('content-type', type);
  res.end(bytes);
  return true;
}

/** Serves the fixture files at /fixtures/<name>, nothing else from that folder. */
function fixtures(dir: string): Plugin {
  return {
    name: 'ufbert-fixtures',
    configurePreviewServer(server) {
      server.middlewares.use('/fixtures', (req, res, next) => {
        const file = join(dir, basename(decodeURIComponent((req.url ?? '').split('?')[0])));
        void sendFile(res, file, file.endsWith('.json') ? 'application/json' : 'application/octet-stream').then((sent) => sent || next(), next);
      });
    },
  };
}

const ortDist = join(dirname(createRequire(import.meta.url).resolve('onnxruntime-web')), '.');

/**
 * Serves /onnx/<fixture>/model.onnx (the fixture model exported by @ufbert/onnx, made once
 * here), /onnx/<fixture>/io.safetensors, and /onnx/ort/<file> (onnxruntime-web's .wasm
 * and loader files).
 */
function onnxModels(dir: string, models: ReadonlyMap<string, Uint8Array>): Plugin {
  return {
    name: 'ufbert-onnx-models',
    configurePreviewServer(server) {
      server.middlewares.use('/onnx', (req, res, next) => {
        const [folder, file] = decodeURIComponent((req.url ?? '').split('?')[0])
          .split('/')
          .filter(Boolean);
        if (folder === 'ort' && file && /^[\w.-]+\.m?(js|wasm)$/.test(file)) {
          void sendFile(res, join(ortDist, file), file.endsWith('.wasm') ? 'application/wasm' : 'text/javascript').then((sent) => sent || next(), next);
          return;
        }
        const model = models.get(folder);
        if (model && file === 'model.onnx') {
          res.setHeader('content-type', 'application/octet-stream');
          res.end(Buffer.from(model));
          return;
        }
        if (model && file === 'io.safetensors') {
          void sendFile(res, join(dir, folder, file), 'application/octet-stream').then((sent) => sent || next(), next);
          return;
        }
        next();
      });
    },
  };
}

/** The fixture models the page runs in onnxruntime-web, exported with their conditional FFF. */
async function exportFixtureModels(dir: string): Promise<Map<string, Uint8Array>> {
  const models = new Map<string, Uint8Array>();
  for (const name of ONNX_FIXTURES) {
    const model = (await loadModel(join(dir, name))).eval();
    try {
      models.set(name, await onnxModelBytes(model));
    } finally {
      model.dispose();
    }
  }
  return models;
}

export interface ServedPage {
  readonly url: string;
  close(): Promise<void>;
}

/** Builds page/ with Vite into a fresh temporary folder and serves it on 127.0.0.1 (a secure context, as WebGPU needs). */
export async function servePage(): Promise<ServedPage> {
  const outDir = join(tmpdir(), `ufbert-webgpu-page-${process.pid}-${Date.now().toString(36)}`);
  ensureFolderSync(outDir, { what: 'page build folder' });
  const config: InlineConfig = {
    root: join(appDir, 'page'),
    configFile: false,
    logLevel: 'warn',
    plugins: [fixtures(FIXTURES), onnxModels(FIXTURES, await exportFixtureModels(FIXTURES))],
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
      await removePath(outDir);
    },
  };
}
