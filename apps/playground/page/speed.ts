// The speed panel: the full-size UltraFastBERT-1x11 against crammedBERT-3072 on
// onnxruntime-web, ms per call and µs per token, their ratio and the FLOP ratio beside it.
// onnxruntime-web fixes its wasm thread count when its module first loads, so a change of
// threads (or of size) reloads the page with the new choice in its address.
import { setBackend } from '@ufbert/tensor';
import { OnnxWebEncoderSession } from '@ufbert/onnx/web';
import type { CrammedBertConfig } from '@ufbert/crammed-bert';
import { encoderFlopsPerToken, randomModelGraph, SPEED_PAIRS, type SpeedSize } from './speed-models.js';
import type { SpeedModel, SpeedState } from './speed-state.js';

const CALLS = ['1x16', '1x128', '8x128'] as const;
const SEED = 20231122;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const params = new URLSearchParams(location.search);
const size: SpeedSize = params.get('size') === 'tiny' ? 'tiny' : 'full';
const maxThreads = crossOriginIsolated ? Math.max(1, navigator.hardwareConcurrency) : 1;
const threads = Math.min(maxThreads, Math.max(1, Number(params.get('threads') ?? Math.min(2, maxThreads)) || 1));
const rounds = Math.max(1, Number(params.get('rounds') ?? 3) || 3);

const state: SpeedState = {
  status: 'idle',
  crossOriginIsolated,
  hardwareConcurrency: navigator.hardwareConcurrency,
  size,
  backend: params.get('backend') === 'webgpu' ? 'webgpu' : 'wasm',
  threads,
  call: CALLS.includes(params.get('call') as (typeof CALLS)[number]) ? params.get('call')! : '1x128',
  models: [],
};
window.ufbertSpeed = state;

/** Built once per page: the random models (seconds at full size) and their sessions. */
const built = new Map<string, { config: CrammedBertConfig; session: OnnxWebEncoderSession; backend: string }>();

function setStatus(next: SpeedState['status'], message: string): void {
  state.status = next;
  $('speed-status').textContent = message;
  $('speed-status').className = next === 'error' ? 'error' : '';
}

async function session(preset: string): Promise<{ config: CrammedBertConfig; session: OnnxWebEncoderSession }> {
  const cached = built.get(preset);
  if (cached?.backend === state.backend) return cached;
  await cached?.session.release();
  setStatus('busy', `making ${preset} with random weights and exporting it to ONNX…`);
  const { config, bytes } = await randomModelGraph(preset, SEED);
  setStatus('busy', `loading ${preset} into onnxruntime-web (${state.backend}, ${threads} thread${threads > 1 ? 's' : ''})…`);
  // onnxruntime-web's own module file (tools/site-assets.ts), which its wasm threads start from
  const wasmPaths = new URL('ort-wasm/', document.baseURI).href;
  const entry = {
    config,
    backend: state.backend,
    session: await OnnxWebEncoderSession.create(bytes, { threads, executionProviders: [state.backend], wasmPaths }),
  };
  built.set(preset, entry);
  return entry;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** Both models, alternating round by round after one untimed call each. */
async function measure(): Promise<void> {
  if (threads > 1 && !crossOriginIsolated) throw new Error(`not cross-origin isolated: ${threads} wasm threads need the COOP/COEP headers`);
  const [sequences, tokens] = state.call.split('x').map(Number);
  const pair = SPEED_PAIRS[size];
  const models = [
    { name: pair.fff, kind: 'fff' as const, ...(await session(pair.fff)) },
    { name: pair.ff, kind: 'ff' as const, ...(await session(pair.ff)) },
  ];
  const count = sequences * tokens;
  const ms = new Map<string, number[]>(models.map((m) => [m.name, []]));
  const call = async (m: (typeof models)[number]) => {
    const ids = BigInt64Array.from({ length: count }, () => BigInt(Math.floor(Math.random() * m.config.embedding.vocab_size)));
    const start = performance.now();
    await m.session.runTensors(ids, new BigInt64Array(count).fill(1n), [sequences, tokens]);
    return performance.now() - start;
  };
  for (const m of models) await call(m);
  for (let r = 0; r < rounds; r++) {
    setStatus('busy', `timing ${state.call}, round ${r + 1} of ${rounds}…`);
    for (const m of r % 2 ? [...models].reverse() : models) ms.get(m.name)!.push(await call(m));
  }
  state.models = models.map<SpeedModel>((m) => {
    const msPerCall = median(ms.get(m.name)!);
    return {
      name: m.name,
      kind: m.kind,
      msPerCall,
      usPerToken: (msPerCall * 1000) / count,
      flopsPerToken: encoderFlopsPerToken(m.config, tokens),
      calls: rounds,
    };
  });
  const [fff, ff] = state.models;
  state.ratio = ff.usPerToken / fff.usPerToken;
  state.flopRatio = ff.flopsPerToken / fff.flopsPerToken;
  show();
  setStatus('ready', `ready: ${state.call} on onnxruntime-web ${state.backend}, ${threads} thread${threads > 1 ? 's' : ''}`);
}

function show(): void {
  const body = $('speed-results').querySelector('tbody')!;
  body.replaceChildren(
    ...state.models.map((m) => {
      const tr = document.createElement('tr');
      for (const [cls, text] of [
        ['model', `${m.name} (${m.kind === 'fff' ? 'FFF' : 'dense FF'})`],
        ['ms-per-call', m.msPerCall.toFixed(1)],
        ['us-per-token', m.usPerToken.toFixed(0)],
        ['mflop-per-token', (m.flopsPerToken / 1e6).toFixed(1)],
      ]) {
        const td = document.createElement('td');
        td.className = cls;
        td.textContent = text;
        tr.append(td);
      }
      return tr;
    }),
  );
  $('speed-ratio').textContent = `crammedBERT / UltraFastBERT per token: ${state.ratio!.toFixed(2)}× (FLOP ratio ${state.flopRatio!.toFixed(2)}×)`;
}

async function guarded(step: () => Promise<void>): Promise<void> {
  try {
    await step();
  } catch (error) {
    state.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    setStatus('error', state.error);
  }
}

/** A choice onnxruntime-web cannot take once loaded (threads) or that changes the models (size): a new page. */
function reloadWith(key: string, value: string): void {
  const next = new URLSearchParams(location.search);
  next.set(key, value);
  location.search = next.toString();
}

function start(): void {
  $('speed-isolation').textContent =
    `crossOriginIsolated: ${crossOriginIsolated}; navigator.hardwareConcurrency: ${navigator.hardwareConcurrency}` +
    (crossOriginIsolated ? '' : ' (served without the COOP/COEP headers: onnxruntime-web runs one thread)');
  const threadSelect = $<HTMLSelectElement>('speed-threads');
  for (let t = 1; t <= maxThreads; t++) threadSelect.add(new Option(String(t), String(t)));
  threadSelect.value = String(threads);
  threadSelect.addEventListener('change', () => reloadWith('threads', threadSelect.value));
  const sizeSelect = $<HTMLSelectElement>('speed-size');
  sizeSelect.value = size;
  sizeSelect.addEventListener('change', () => reloadWith('size', sizeSelect.value));
  const callSelect = $<HTMLSelectElement>('speed-call');
  for (const c of CALLS) callSelect.add(new Option(c, c));
  callSelect.value = state.call;
  callSelect.addEventListener('change', () => (state.call = callSelect.value));
  const backendSelect = $<HTMLSelectElement>('speed-backend');
  backendSelect.value = state.backend;
  backendSelect.addEventListener('change', () => (state.backend = backendSelect.value as SpeedState['backend']));
  $('speed-run').addEventListener('click', () => void guarded(measure));
  setStatus('idle', 'press measure');
  if (params.get('autorun') === '1') void guarded(measure);
}

void guarded(async () => {
  // tfjs makes the random weights; its cpu backend needs no adapter and no .wasm
  await setBackend('cpu');
  start();
});
