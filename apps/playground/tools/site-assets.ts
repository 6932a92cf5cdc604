// What the page fetches besides its bundle: the demo models and their catalogue, the trainer's
// default run when the dev server finds one, tfjs's .wasm files, and onnxruntime-web's wasm
// module unbundled for the speed page's threads (its workers start from that file; started
// from the page's bundle, they would run the page's code). The dev server
// serves them from where they lie; the build copies them into the site.
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import type { Plugin } from 'vite';
import { writeDemoModels, type DemoModel } from './demo-models.js';

const require = createRequire(import.meta.url);
const tfjsWasmDist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));

const TFJS_WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];
const ortWebDist = dirname(require.resolve('onnxruntime-web'));
/** onnxruntime-web's wasm module (the JSEP build: wasm and WebGPU EPs), served at ort-wasm/. */
const ORT_WASM_FILES = ['ort-wasm-simd-threaded.jsep.mjs', 'ort-wasm-simd-threaded.jsep.wasm'];

/** Site path -> file on disk, for the fixed files. */
function runtimeFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const file of TFJS_WASM_FILES) files.set(`tfjs-wasm/${file}`, join(tfjsWasmDist, file));
  for (const file of ORT_WASM_FILES) files.set(`ort-wasm/${file}`, join(ortWebDist, file));
  for (const [, path] of files) if (!existsSync(path)) throw new Error(`expected ${path} (a runtime file the page loads), found nothing there`);
  return files;
}

function filesUnder(dir: string, prefix: string, into: Map<string, string>): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) filesUnder(path, `${prefix}${entry.name}/`, into);
    else if (entry.isFile() && /\.(json|safetensors)$/.test(entry.name)) into.set(`${prefix}${entry.name}`, path);
  }
}

/** The model folders of a trainer run (`pnpm --filter trainer start`): both pretrained models and every saved classifier. */
function trainerRunModels(runDir: string, into: Map<string, string>): DemoModel[] {
  const found: DemoModel[] = [];
  for (const kind of ['fff', 'ff']) {
    const folders = [[`${kind}/pretrained`, `trainer run: ${kind.toUpperCase()} pretrained`]];
    const classifiers = join(runDir, kind, 'classifiers');
    if (existsSync(classifiers))
      for (const task of readdirSync(classifiers)) folders.push([`${kind}/classifiers/${task}`, `trainer run: ${kind.toUpperCase()} ${task} classifier`]);
    for (const [folder, name] of folders) {
      const dir = join(runDir, folder);
      if (!existsSync(join(dir, 'model.safetensors'))) continue;
      filesUnder(dir, `models/trainer/${folder}/`, into);
      found.push({ name, path: `models/trainer/${folder}/`, description: `${relative(process.cwd(), dir).split(sep).join('/')}` });
    }
  }
  return found;
}

/**
 * Writes the demo models (into `modelsDir`), then serves them, the trainer's run at
 * `trainerRunDir` (dev server only: a build ships the demo models alone) and the runtimes'
 * .wasm files; `vite build` emits the same files into the site.
 */
export function siteAssets(options: { modelsDir: string; trainerRunDir: string }): Plugin {
  let files = new Map<string, string>();
  let catalogue: DemoModel[] = [];
  async function collect(withTrainerRun: boolean): Promise<void> {
    const demo = await writeDemoModels(options.modelsDir);
    files = runtimeFiles();
    filesUnder(options.modelsDir, 'models/', files);
    files.delete('models/index.json');
    catalogue = [...demo, ...(withTrainerRun && existsSync(options.trainerRunDir) ? trainerRunModels(options.trainerRunDir, files) : [])];
  }
  return {
    name: 'ufbert-playground-assets',
    async configureServer(server) {
      await collect(true);
      server.middlewares.use((req, res, next) => {
        const path = decodeURIComponent((req.url ?? '').split('?')[0]).replace(/^\/+/, '');
        if (path === 'models/index.json') {
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify(catalogue));
          return;
        }
        const file = files.get(path);
        if (!file || !statSync(file).isFile()) return next();
        const type = file.endsWith('.wasm')
          ? 'application/wasm'
          : file.endsWith('.json')
            ? 'application/json'
            : file.endsWith('.mjs')
              ? 'text/javascript'
              : 'application/octet-stream';
        res.setHeader('content-type', type);
        createReadStream(file).pipe(res);
      });
    },
    async buildStart() {
      if (this.meta.watchMode) return;
      await collect(false);
    },
    generateBundle() {
      for (const [fileName, path] of files) this.emitFile({ type: 'asset', fileName, source: readFileSync(path) });
      this.emitFile({ type: 'asset', fileName: 'models/index.json', source: `${JSON.stringify(catalogue, null, 2)}\n` });
    },
  };
}
