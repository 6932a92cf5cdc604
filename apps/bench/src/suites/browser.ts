import { pathKind } from '@ufbert/tensor/node';
import { chromium } from 'playwright-core';
import { CHROMIUM, launchHeadlessChromium } from '@ufbert/test-utils/headless-chromium';
import type { SuiteContext } from '../context.js';
import { BenchPageDriver } from '../browser/bench-page-driver.js';
import { serveBenchPage } from '../browser/bench-server.js';
import { operatorTimes } from '../browser/ort-profile.js';
import type { PageEp, PageInfo } from '../browser/protocol.js';
import { denseFeedforwardModel } from '../onnx/feedforward-model.js';
import type { BrowserRow } from '../report/types.js';
import { round } from '../rows.js';
import { encoderFlopsPerToken } from './model.js';

type CrammedBertConfig = import('@ufbert/crammed-bert').CrammedBertConfig;

/** A model the page loads: its name in rows, its file on the server, what FLOPs and ids it needs. */
interface PageModel {
  name: string;
  family: 'fff' | 'ff';
  dtype: 'fp32' | 'q8';
  file: string;
  config: CrammedBertConfig;
}

/** What every row of one page shares. */
interface PageRun {
  driver: BenchPageDriver;
  info: PageInfo;
  browserVersion: string;
  ep: PageEp;
  threads: number;
}

const FFF_WEIGHTS = 'fff-1x11.bin';
const DENSE_FF = 'ff-3072.onnx';
const DENSE_WIDTH = 3072;
const FFF_DEPTH = 11;
/** WebGPU in this sandbox is SwiftShader: the whole model takes seconds a call there, so it runs one shape once, under a shorter deadline. */
const WEBGPU_DEADLINE_S = 120;
const KERNEL_SAMPLES_PER_ROUND = 3;
/** Both dtypes of @ufbert/onnx's export: fp32, and q8 (int8 weights, transformers.js's default dtype in the browser). */
const DTYPES = ['fp32', 'q8'] as const;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * UltraFastBERT and crammedBERT, fp32 and q8, in a page of headless Chromium (Debian's, with the flags of
 * ARCHITECTURE.md): onnxruntime-web's wasm EP at each thread count, one page per count (a
 * page's thread count is fixed once onnxruntime-web starts), the models alternating round
 * by round; @ufbert/cmm's FFF kernel against onnxruntime-web's dense FF-3072 in the same
 * page; the WebGPU EP where the page has an adapter, labelled as emulated. The page is
 * served cross-origin isolated; a threaded row from a page that is not is refused.
 */
export async function runBrowser(ctx: SuiteContext): Promise<void> {
  if (pathKind(CHROMIUM) === 'missing') {
    ctx.skip('browser suite', `${CHROMIUM} is missing (tools/setup-system.sh installs Debian's chromium)`);
    return;
  }
  const { files, models } = await pageFiles(ctx);
  const server = await serveBenchPage({ models: files });
  const browser = await launchHeadlessChromium(chromium, { profilePrefix: 'ufbert-bench-chromium-' });
  try {
    let info: PageInfo | undefined;
    for (const threads of ctx.options.browser.threads) {
      info = (await onPage(ctx, browser.context, server.url, 'wasm', threads, (run) => wasmPage(ctx, run, models))) ?? info;
    }
    if (info?.webgpu.adapter) await onPage(ctx, browser.context, server.url, 'webgpu', 1, (run) => webgpuPage(ctx, run, models));
    else ctx.skip('browser rows on the WebGPU EP', `the page has no WebGPU adapter (${info?.webgpu.reason ?? 'no page ran'})`);
  } finally {
    await browser.close();
    await server.close();
  }
}

/** The ONNX graphs and weights the page fetches, made here with the run's seed. */
async function pageFiles(ctx: SuiteContext): Promise<{ files: Map<string, Uint8Array>; models: PageModel[] }> {
  const cb = await import('@ufbert/crammed-bert');
  const onnx = await import('@ufbert/onnx');
  const files = new Map<string, Uint8Array>();
  const models: PageModel[] = [];
  for (const preset of ctx.options.modelPresets) {
    const config = cb.presetConfig(preset);
    const name = preset.toLowerCase();
    const family = config.intermed_type === 'fff' ? 'fff' : 'ff';
    ctx.log(
      `browser: ${preset} (${config.num_transformer_layers} layers, hidden ${config.hidden_size}, vocab ${config.embedding.vocab_size}), random weights, exported to ONNX fp32 and q8...`,
    );
    const model = cb.CrammedBertModel.create(config, { seed: ctx.options.seed });
    try {
      for (const dtype of DTYPES) {
        const file = `${name}-${dtype}.onnx`;
        files.set(file, await onnx.onnxModelBytes(model.eval(), { head: 'none', dtype }));
        models.push({ name, family, dtype, file, config });
      }
    } finally {
      model.dispose();
    }
  }
  const h = ctx.options.browser.kernelHidden;
  const fff = ctx.data.conditional({ trees: 1, depth: FFF_DEPTH, inputSize: h, outputSize: h });
  const packed = new Float32Array(fff.wIn.values.length + fff.bIn.values.length + fff.wOut.values.length);
  packed.set(fff.wIn.values, 0);
  packed.set(fff.bIn.values, fff.wIn.values.length);
  packed.set(fff.wOut.values, fff.wIn.values.length + fff.bIn.values.length);
  files.set(FFF_WEIGHTS, new Uint8Array(packed.buffer));
  const dense = ctx.data.dense({ inputSize: h, hiddenSize: DENSE_WIDTH, outputSize: h });
  files.set(
    DENSE_FF,
    denseFeedforwardModel({ inputSize: h, hiddenSize: DENSE_WIDTH, outputSize: h, wIn: dense.wIn.values, wOut: dense.wOut.values, gelu: 'gelu-op' }),
  );
  return { files, models };
}

/**
 * Opens a page, sets onnxruntime-web up for `ep` and `threads`, runs `work`, closes it. A
 * page that fails (no isolation for threads, a deadline, a crash) skips its rows with the reason.
 */
async function onPage(
  ctx: SuiteContext,
  context: import('playwright-core').BrowserContext,
  url: string,
  ep: PageEp,
  threads: number,
  work: (run: PageRun) => Promise<void>,
): Promise<PageInfo | undefined> {
  const what = `browser rows on the ${ep} EP, ${threads} thread${threads > 1 ? 's' : ''}`;
  const deadlineS = ep === 'webgpu' ? Math.min(WEBGPU_DEADLINE_S, ctx.options.browser.deadlineS) : ctx.options.browser.deadlineS;
  let driver: BenchPageDriver | undefined;
  let info: PageInfo | undefined;
  try {
    driver = await BenchPageDriver.open(context, url, deadlineS * 1000);
    info = await driver.call('info');
    const version = await driver.browserVersion();
    const ortVersion = await driver.call('setup', { ep, threads });
    ctx.log(
      `browser: ${version}, crossOriginIsolated ${info.crossOriginIsolated}, hardwareConcurrency ${info.hardwareConcurrency}; ` +
        `onnxruntime-web ${ortVersion}, ${ep} EP, ${threads} thread${threads > 1 ? 's' : ''}`,
    );
    await work({ driver, info, browserVersion: version, ep, threads });
  } catch (err) {
    ctx.skip(what, (err as Error).message);
  } finally {
    await driver?.close();
  }
  return info;
}

function addRow(
  ctx: SuiteContext,
  run: PageRun,
  fields: Pick<BrowserRow, 'model' | 'family' | 'dtype' | 'runtime' | 'ep' | 'threads' | 'call' | 'flops_per_token' | 'note'>,
  ms: readonly number[],
  tokens: number,
  threadsUsed?: number,
): void {
  const msPerCall = median(ms);
  const row: BrowserRow = {
    ...fields,
    us_per_token: round((msPerCall * 1000) / tokens),
    ms_per_call: round(msPerCall),
    samples: ms.length,
    cross_origin_isolated: run.info.crossOriginIsolated,
    browser_version: run.browserVersion,
    hardware_concurrency: run.info.hardwareConcurrency,
    ...(threadsUsed === undefined ? {} : { threads_used: threadsUsed }),
  };
  if (row.flops_per_token === undefined) delete row.flops_per_token;
  if (row.note === undefined) delete row.note;
  ctx.browser.push(row);
  const threads = row.threads_used !== undefined && row.threads_used !== row.threads ? `${row.threads} thr (ran on ${row.threads_used})` : `${row.threads} thr`;
  const timing = `${String(row.ms_per_call).padStart(9)} ms/call ${String(row.us_per_token).padStart(8)} µs/token (${row.samples} calls)`;
  ctx.log(`  ${row.model.padEnd(26)} ${row.dtype} ${row.runtime} ${row.ep}, ${threads}, ${row.call.padEnd(6)} ${timing}`);
}

/** Both models on every shape, alternating round by round (each round starts with the other model), then the kernels. */
async function wasmPage(ctx: SuiteContext, run: PageRun, models: readonly PageModel[]): Promise<void> {
  const { rounds, shapes, tokensPerRound } = ctx.options.browser;
  for (const m of models) await run.driver.call('loadModel', m.file, m.file);
  const samples = new Map<string, number[]>();
  const key = (m: PageModel, s: readonly number[]) => `${m.file} ${s.join('x')}`;
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? models : [...models].reverse();
    for (const [sequences, tokens] of shapes) {
      for (const m of order) {
        const call = { model: m.file, sequences, tokens, vocab: m.config.embedding.vocab_size, calls: 1 };
        // the first call of a shape allocates its buffers: untimed
        if (r === 0) await run.driver.call('timeModel', call);
        const ms = await run.driver.call('timeModel', { ...call, calls: Math.max(1, Math.round(tokensPerRound / (sequences * tokens))) });
        samples.set(key(m, [sequences, tokens]), [...(samples.get(key(m, [sequences, tokens])) ?? []), ...ms]);
      }
    }
  }
  for (const m of models) {
    await run.driver.call('releaseModel', m.file);
    for (const [sequences, tokens] of shapes) {
      const fields = {
        model: m.name,
        family: m.family,
        dtype: m.dtype,
        runtime: 'onnxruntime-web',
        ep: run.ep,
        threads: run.threads,
        call: `${sequences}x${tokens}`,
      };
      addRow(ctx, run, { ...fields, flops_per_token: encoderFlopsPerToken(m.config, tokens) }, samples.get(key(m, [sequences, tokens]))!, sequences * tokens);
    }
  }
  if (run.threads === Math.max(...ctx.options.browser.threads)) await profileModels(ctx, run, models);
  await kernelRows(ctx, run);
}

/**
 * Each model once more with onnxruntime-web's profiler on (a session of its own: the
 * profiler starts with the session), one warm call of the first single-sequence shape of
 * at least 128 tokens, its kernel time summed per operator type.
 */
async function profileModels(ctx: SuiteContext, run: PageRun, models: readonly PageModel[]): Promise<void> {
  const { shapes } = ctx.options.browser;
  const [sequences, tokens] = shapes.find(([s, t]) => s === 1 && t >= 128) ?? shapes[shapes.length - 1];
  for (const m of models) {
    const name = `${m.file} (profiled)`;
    await run.driver.call('loadModel', name, m.file, true);
    const call = { model: name, sequences, tokens, vocab: m.config.embedding.vocab_size, calls: 2 };
    run.driver.takeConsole();
    await run.driver.call('timeModel', call);
    await run.driver.call('endProfiling', name);
    await run.driver.call('releaseModel', name);
    const times = operatorTimes(run.driver.takeConsole());
    const perToken = (us: number) => round(us / (sequences * tokens));
    const ops = [...times].sort((a, b) => b[1] - a[1]).map(([op, us]) => ({ op, us_per_token: perToken(us) }));
    if (ops.length === 0) {
      ctx.skip(`the operator profile of ${m.name} ${m.dtype}`, "onnxruntime-web's profiler printed no kernel events to the page's console");
      continue;
    }
    const total = perToken([...times.values()].reduce((a, b) => a + b, 0));
    ctx.browserProfiles.push({ model: m.name, dtype: m.dtype, threads: run.threads, call: `${sequences}x${tokens}`, us_per_token: total, ops });
    ctx.log(
      `  profile ${m.name} ${m.dtype}: ${total} µs/token in kernels; ${ops
        .slice(0, 6)
        .map((o) => `${o.op} ${o.us_per_token}`)
        .join(', ')}`,
    );
  }
}

/**
 * @ufbert/cmm's fused wasm FFF-1x11 kernel against onnxruntime-web's dense FF-3072, each
 * batch alternating the two round by round, both on the page's threads: cmm's pool of Web
 * Workers is started for them first (the page is cross-origin isolated), and each row
 * records the threads its calls ran on, so a pool that did not start or a calibration
 * that decided against threads shows.
 */
async function kernelRows(ctx: SuiteContext, run: PageRun): Promise<void> {
  const { rounds, kernelBatches, kernelHidden, kernelCalibrate } = ctx.options.browser;
  const pool = await run.driver.call('cmmThreads', run.threads, kernelCalibrate);
  ctx.log(
    `  @ufbert/cmm's thread pool: ${pool.threads} of ${run.threads} thread${run.threads > 1 ? 's' : ''} ` +
      `(${pool.state}${pool.reason ? `: ${pool.reason}` : ''}); ` +
      `ready after ${round(pool.startMs)} ms, the main thread held at most ${round(pool.longestBlockMs)} ms at a time`,
  );
  const label = await run.driver.call('loadKernels', { hidden: kernelHidden, depth: FFF_DEPTH, fffWeightsFile: FFF_WEIGHTS, denseFile: DENSE_FF });
  const sides = ['cmm-fff', 'onnxruntime-web-ff'] as const;
  for (const batch of kernelBatches) {
    const ms = new Map<string, number[]>(sides.map((s) => [s, []]));
    // loops of enough calls that one takes a few ms even at B = 1, three per side and round
    const calls = Math.max(3, Math.ceil(256 / batch));
    for (let r = 0; r < rounds; r++) {
      for (const side of r % 2 === 0 ? sides : [...sides].reverse()) {
        if (r === 0) await run.driver.call('timeKernel', side, batch, 1, 1);
        ms.get(side)!.push(...(await run.driver.call('timeKernel', side, batch, calls, KERNEL_SAMPLES_PER_ROUND)));
      }
    }
    const common = { dtype: 'fp32' as const, ep: 'wasm', call: `B=${batch}`, threads: run.threads };
    const used = batch >= pool.minConditionalBatch ? pool.threads : 1;
    const why = batch < pool.minConditionalBatch ? `B=${batch} is below the split threshold (${pool.minConditionalBatch} tokens)` : pool.reason;
    const note = `${label}, Web Worker pool${used < run.threads ? `; ran on ${used} of ${run.threads} threads: ${why}` : ''}`;
    addRow(ctx, run, { ...common, model: `fff-1x${FFF_DEPTH}`, family: 'fff', runtime: '@ufbert/cmm', note }, ms.get('cmm-fff')!, batch, used);
    addRow(ctx, run, { ...common, model: `ff-${DENSE_WIDTH}`, family: 'ff', runtime: 'onnxruntime-web' }, ms.get('onnxruntime-web-ff')!, batch);
  }
}

/** The WebGPU EP on the page's adapter: one shape, one round, labelled as emulated where the adapter is SwiftShader. */
async function webgpuPage(ctx: SuiteContext, run: PageRun, models: readonly PageModel[]): Promise<void> {
  const adapter = run.info.webgpu.adapter ?? 'unknown adapter';
  const emulated = /swiftshader|llvmpipe|cpu/i.test(adapter);
  const note = emulated ? `emulated GPU on the CPU (${adapter}, SwiftShader): a figure, not a target` : `adapter ${adapter}`;
  const [sequences, tokens] = ctx.options.browser.shapes[0];
  ctx.skip('q8 rows on the WebGPU EP', 'fp32 only on WebGPU: on an emulated adapter each model takes seconds a call, and the figure is not a target');
  for (const m of models.filter((x) => x.dtype === 'fp32')) {
    await run.driver.call('loadModel', m.file, m.file);
    const call = { model: m.file, sequences, tokens, vocab: m.config.embedding.vocab_size, calls: 1 };
    await run.driver.call('timeModel', call);
    const ms = await run.driver.call('timeModel', { ...call, calls: 2 });
    await run.driver.call('releaseModel', m.file);
    addRow(
      ctx,
      run,
      {
        model: m.name,
        family: m.family,
        dtype: m.dtype,
        runtime: 'onnxruntime-web',
        ep: 'webgpu',
        threads: 1,
        call: `${sequences}x${tokens}`,
        flops_per_token: encoderFlopsPerToken(m.config, tokens),
        note,
      },
      ms,
      sequences * tokens,
    );
  }
}
