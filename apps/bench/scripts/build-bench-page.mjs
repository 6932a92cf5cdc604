// Bundles the browser suite's page script (src/browser/page/bench-page.ts with @ufbert/cmm and
// what it imports) into dist/browser/page/bench-page.js, which the bench page's server serves.
// onnxruntime-web stays out: the page imports it at run time from its own dist folder,
// beside the .wasm files it loads.
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const app = fileURLToPath(new URL('..', import.meta.url));
await build({
  cwd: app,
  input: 'src/browser/page/bench-page.ts',
  platform: 'browser',
  // tfjs reaches Node's modules only behind a platform check: never loaded in a page
  external: [/^node:/],
  logLevel: 'warn',
  output: { file: 'dist/browser/page/bench-page.js', format: 'esm' },
});
