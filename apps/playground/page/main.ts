import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import '@ufbert/fff';
import { tf } from '@ufbert/tensor';
import { ModelLoadError, fetchModelFiles as fetchByName, parseHubId, type ModelBytes, type ProgressInfo, type TokenRoutes } from '@ufbert/pipelines/web';
import { RUNTIME_OPTIONS, runtimeOption } from './backends.js';
import { fetchModelFiles, pickedModelFiles } from './model-source.js';
import type { PageState } from './page-state.js';
import { PlaygroundModel, type ModelAnswer } from './playground-model.js';
import { routeHeatmap } from './route-heatmap.js';
import { treeUsage } from './route-stats.js';
import { routeTree } from './route-tree.js';

interface CatalogueEntry {
  name: string;
  path: string;
  description: string;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const modelSelect = $<HTMLSelectElement>('model');
const compareSelect = $<HTMLSelectElement>('compare');
const backendSelect = $<HTMLSelectElement>('backend');
const textInput = $<HTMLInputElement>('text');
const topKInput = $<HTMLInputElement>('top-k');
const status = $<HTMLSpanElement>('status');

// Relative to the page, so the site works from any folder of any host.
const siteUrl = (path: string) => new URL(path, document.baseURI);
setWasmPaths(siteUrl('tfjs-wasm/').href);
// The page is cross-origin isolated (for onnxruntime-web's threads on the speed page), where
// tfjs's wasm backend would pick its threaded build: its workers start from a blob of its own
// module's source, which a bundle breaks (they fail with 'e is not defined'). One thread.
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);

const state: PageState = { status: 'busy', backend: '', text: '', models: [] };
window.ufbertPlayground = state;
/** Model sources by select value: catalogue folders, and URLs or picked files added later. */
const sources = new Map<string, { name: string; files: () => Promise<ModelBytes> }>();
let loaded: PlaygroundModel[] = [];
let selectedToken = 0;

function option(select: HTMLSelectElement, value: string, label: string): void {
  const o = document.createElement('option');
  o.value = value;
  o.textContent = label;
  select.append(o);
}

function addSource(value: string, name: string, files: () => Promise<ModelBytes>): void {
  sources.set(value, { name, files });
  option(modelSelect, value, name);
  option(compareSelect, value, name);
}

function setStatus(next: PageState['status'], message: string): void {
  state.status = next;
  status.textContent = message;
  status.className = next === 'error' ? 'error' : '';
}

async function loadModels(): Promise<void> {
  await Promise.all(loaded.map((m) => m.dispose()));
  loaded = [];
  const backend = runtimeOption(backendSelect.value);
  state.backend = backend.label;
  for (const value of [modelSelect.value, compareSelect.value].filter((v) => v && sources.has(v))) {
    const source = sources.get(value)!;
    setStatus('busy', `loading ${source.name} on ${backend.label}…`);
    loaded.push(await PlaygroundModel.load(source.name, await source.files(), backend));
  }
}

const progressBar = $<HTMLProgressElement>('download');

/**
 * A model by hub id (owner/name) or absolute http(s) URL, fetched by @ufbert/pipelines/web with
 * progress shown in the bar and kept in the Cache API (a reload downloads nothing); `?hub=` names
 * another hub (transformers.js's env.remoteHost). Anything else is a folder URL of this site.
 */
function addNamedSource(raw: string): void {
  let isHubId = true;
  try {
    parseHubId(raw);
  } catch {
    isHubId = false;
  }
  if (!isHubId && !/^https?:\/\//i.test(raw)) {
    const folder = new URL(raw.endsWith('/') ? raw : `${raw}/`, document.baseURI);
    addSource(folder.href, folder.href, () => fetchModelFiles(folder));
    modelSelect.value = folder.href;
    return;
  }
  const remoteHost = new URLSearchParams(location.search).get('hub') ?? undefined;
  addSource(raw, raw, async () => {
    const download: NonNullable<PageState['download']> = { name: raw, fetched: [] };
    state.download = download;
    progressBar.hidden = false;
    const progress_callback = (event: ProgressInfo) => {
      if (event.status === 'download') download.fetched.push(event.file);
      if (event.status === 'progress') {
        Object.assign(download, { file: event.file, loaded: event.loaded, total: event.total });
        progressBar.value = event.progress;
        setStatus('busy', `downloading ${event.file} of ${raw}: ${event.progress.toFixed(0)}%`);
      }
    };
    try {
      return await fetchByName(raw, { remoteHost, progress_callback });
    } finally {
      progressBar.hidden = true;
    }
  });
  modelSelect.value = raw;
}

function answerView(model: PlaygroundModel, answer: ModelAnswer): HTMLElement {
  const box = document.createElement('div');
  box.className = 'answer';
  box.dataset.kind = model.isFFF ? 'fff' : 'ff';
  const rows = (answer.candidates ?? []).map((c) => [c.token_str, c.score]).concat((answer.labels ?? []).map((l) => [l.label, l.score]));
  box.innerHTML = `<h3></h3><p class="runtime"></p><p class="runtime"></p><table><tbody></tbody></table>`;
  box.querySelector('h3')!.textContent = `${model.name} (${model.isFFF ? 'FFF' : 'FF'}, ${model.task})`;
  const paragraphs = box.querySelectorAll('p');
  const runtime = paragraphs[0];
  const timing = paragraphs[1];
  runtime.textContent = model.runtime;
  timing.textContent = `${answer.msPerToken.toFixed(3)} ms per token (${answer.tokens} tokens, median of 3 calls)`;
  const body = box.querySelector('tbody')!;
  for (const [label, score] of rows) {
    const tr = document.createElement('tr');
    tr.className = 'candidate';
    const [a, b, c] = [document.createElement('td'), document.createElement('td'), document.createElement('td')];
    a.textContent = String(label);
    b.textContent = (score as number).toFixed(4);
    const bar = document.createElement('span');
    bar.className = 'bar';
    bar.style.width = `${Math.round(120 * (score as number))}px`;
    c.append(bar);
    tr.append(a, b, c);
    body.append(tr);
  }
  return box;
}

function drawRoutes(name: string, routes: TokenRoutes[]): void {
  const usage = treeUsage(routes);
  selectedToken = Math.min(selectedToken, routes.length - 1);
  $('routing-model').textContent = `of ${name}`;
  $('route-heatmap').replaceChildren(
    routeHeatmap(routes, usage, selectedToken, (token) => {
      selectedToken = token;
      drawRoutes(name, routes);
    }),
  );
  $('route-tree').replaceChildren(routeTree(routes[selectedToken], usage, routes.length));
}

async function run(): Promise<void> {
  const text = textInput.value;
  const topK = Number(topKInput.value);
  state.text = text;
  setStatus('busy', 'running…');
  const answers = $('answers');
  answers.replaceChildren();
  state.models = [];
  $('route-heatmap').replaceChildren();
  $('route-tree').replaceChildren();
  for (const model of loaded) {
    const answer = await model.answer(text, topK);
    const routes = await model.routes(text);
    state.models.push({ name: model.name, kind: model.isFFF ? 'fff' : 'ff', task: model.task, runtime: model.runtime, answer, routes });
    answers.append(answerView(model, answer));
  }
  const routed = state.models.find((m) => m.routes);
  if (routed) drawRoutes(routed.name, routed.routes!);
  else $('routing-model').textContent = '(no FFF model loaded)';
  setStatus('ready', `ready: ${state.backend}`);
}

/** Runs `step`, showing any failure on the page and in `window.ufbertPlayground.error`. */
async function guarded(step: () => Promise<void>): Promise<void> {
  try {
    await step();
  } catch (error) {
    state.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    setStatus('error', state.error);
  }
}

async function start(): Promise<void> {
  const params = new URLSearchParams(location.search);
  for (const choice of RUNTIME_OPTIONS) option(backendSelect, choice.id, choice.label);
  backendSelect.value = runtimeOption(params.get('backend') ?? 'ort-wasm').id;
  option(compareSelect, '', '(none)');
  const response = await fetch(siteUrl('models/index.json'));
  if (!response.ok) throw new ModelLoadError(`GET models/index.json: expected the model catalogue, got ${response.status} ${response.statusText}`);
  for (const entry of (await response.json()) as CatalogueEntry[]) addSource(entry.path, entry.name, () => fetchModelFiles(siteUrl(entry.path)));
  modelSelect.value = params.get('model') ?? 'models/tiny-fff/';
  compareSelect.value = params.get('compare') ?? 'models/tiny-ff/';
  if (params.has('id')) addNamedSource(params.get('id')!);
  if (params.has('text')) textInput.value = params.get('text')!;
  if (params.has('top_k')) topKInput.value = params.get('top_k')!;
  await loadModels();
  await run();
}

for (const select of [modelSelect, compareSelect, backendSelect])
  select.addEventListener(
    'change',
    () =>
      void guarded(async () => {
        await loadModels();
        await run();
      }),
  );
$('run').addEventListener('click', () => void guarded(run));
textInput.addEventListener('keydown', (event) => {
  if (event.key === 'Enter') void guarded(run);
});
$('load-url').addEventListener(
  'click',
  () =>
    void guarded(async () => {
      addNamedSource($<HTMLInputElement>('url').value.trim());
      await loadModels();
      await run();
    }),
);
$<HTMLInputElement>('files').addEventListener(
  'change',
  (event) =>
    void guarded(async () => {
      const picked = (event.target as HTMLInputElement).files;
      if (!picked?.length) return;
      const files = await pickedModelFiles(picked);
      const name = `picked: ${picked[0].webkitRelativePath.split('/')[0] || picked[0].name}`;
      const value = `picked-${sources.size}`;
      addSource(value, name, async () => files);
      modelSelect.value = value;
      await loadModels();
      await run();
    }),
);

void guarded(start);
