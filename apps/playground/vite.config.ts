import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { siteAssets } from './tools/site-assets.js';

const appDir = fileURLToPath(new URL('.', import.meta.url));

/**
 * Cross-origin isolation (crossOriginIsolated true): SharedArrayBuffer, and so onnxruntime-web's
 * wasm threads, exist only on a page served with these. A static host of the build needs the
 * same headers (dist/_headers says so in the format Netlify and Cloudflare Pages read).
 */
const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export default defineConfig({
  root: join(appDir, 'page'),
  // Relative URLs everywhere, so the built site works from any folder of any static host.
  base: './',
  // A missing file is a 404, as on a static host, not the page (the SPA fallback).
  appType: 'mpa',
  plugins: [siteAssets({ modelsDir: join(appDir, '.models'), trainerRunDir: join(appDir, '../trainer/runs/default') })],
  build: {
    outDir: join(appDir, 'dist'),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 16384,
    rollupOptions: { input: { main: join(appDir, 'page', 'index.html'), speed: join(appDir, 'page', 'speed.html') } },
  },
  server: { host: 'localhost', headers: ISOLATION_HEADERS },
  preview: { headers: ISOLATION_HEADERS },
  optimizeDeps: {
    // Pre-bundled like the build, the packages' Node-only modules (checkpoint writing, file
    // reading) become inert stubs; served one by one, their node: imports throw on load.
    include: ['@ufbert/pipelines/web', '@ufbert/crammed-bert', '@ufbert/tensor', '@ufbert/fff'],
    // Pre-bundled, onnxruntime-web would look for its .wasm beside the bundle in .vite/deps.
    exclude: ['onnxruntime-web'],
  },
});
