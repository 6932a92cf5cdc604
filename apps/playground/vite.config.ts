import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { siteAssets } from './tools/site-assets.js';

const appDir = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: join(appDir, 'page'),
  // Relative URLs everywhere, so the built site works from any folder of any static host.
  base: './',
  // A missing file is a 404, as on a static host, not the page (the SPA fallback).
  appType: 'mpa',
  plugins: [siteAssets({ modelsDir: join(appDir, '.models'), trainerRunDir: join(appDir, '../trainer/runs/default') })],
  build: { outDir: join(appDir, 'dist'), emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 16384 },
  server: { host: 'localhost' },
  optimizeDeps: {
    // Pre-bundled like the build, the packages' Node-only modules (checkpoint writing, file
    // reading) become inert stubs; served one by one, their node: imports throw on load.
    include: ['@ufbert/pipelines/web', '@ufbert/crammed-bert', '@ufbert/tensor', '@ufbert/fff'],
    // Pre-bundled, onnxruntime-web would look for its .wasm beside the bundle in .vite/deps.
    exclude: ['onnxruntime-web'],
  },
});
