import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { build } from 'vite';
import { nodesPerTree } from '@ufbert/fff';
import { setBackend } from '@ufbert/tensor';
import { fffRoutes, pipeline, type FillMaskCandidate, type LabelScore, type TokenRoutes } from '@ufbert/pipelines';
import type { PageState } from '../page/page-state.js';
import type { SpeedState } from '../page/speed-state.js';
import { CHROMIUM, launchHeadlessChromium, type HeadlessChromium } from '@ufbert/test-utils/headless-chromium';
import { serveStaticSite, type StaticSite } from './static-site.js';

const appDir = fileURLToPath(new URL('..', import.meta.url));
const dist = join(appDir, 'dist');
/** The Node pipeline reads the very files the page fetched. */
const fffDir = join(dist, 'models', 'tiny-fff');
const TEXT = 'the capital of france is [MASK].';
const TOP_K = 5;
/** The test's artifact; docs/screenshot.png is a committed copy (UFBERT_UPDATE_SCREENSHOT=1 refreshes it). */
const SCREENSHOT = join(appDir, 'test-results', 'playground.png');

async function settled(page: Page): Promise<PageState> {
  await page.waitForFunction(() => window.ufbertPlayground?.status !== 'busy', null, { timeout: 60_000 });
  const state = (await page.evaluate(() => window.ufbertPlayground)) as PageState;
  expect(state.error).toBeUndefined();
  expect(state.status).toBe('ready');
  return state;
}

/** The page's candidates and routes for the FFF model are the Node pipeline's for the same text and files. */
function expectSameAsNode(state: PageState, expected: { candidates: FillMaskCandidate[]; routes: TokenRoutes[] }): void {
  const fff = state.models.find((m) => m.kind === 'fff')!;
  const candidates = fff.answer!.candidates!;
  expect(candidates.map((c) => [c.token, c.token_str, c.sequence])).toEqual(expected.candidates.map((c) => [c.token, c.token_str, c.sequence]));
  candidates.forEach((c, i) => expect(Math.abs(c.score - expected.candidates[i].score)).toBeLessThan(1e-4));
  const routes = fff.routes!;
  expect(routes.map((t) => t.token)).toEqual(expected.routes.map((t) => t.token));
  expect(routes.map((t) => t.layers.map((trees) => trees.map((r) => r.nodes)))).toEqual(
    expected.routes.map((t) => t.layers.map((trees) => trees.map((r) => r.nodes))),
  );
  routes.forEach((t, i) =>
    t.layers.forEach((trees, l) =>
      trees.forEach((r, k) => r.logits.forEach((logit, level) => expect(Math.abs(logit - expected.routes[i].layers[l][k].logits[level])).toBeLessThan(1e-3))),
    ),
  );
}

describe.skipIf(!existsSync(CHROMIUM))(`the built playground in headless Chromium${existsSync(CHROMIUM) ? '' : ` (skipped: ${CHROMIUM} is missing)`}`, () => {
  let site: StaticSite | undefined;
  let browser: HeadlessChromium<BrowserContext> | undefined;
  let expected: { candidates: FillMaskCandidate[]; routes: TokenRoutes[] };
  /** onnxruntime-web runs q8 by default, as transformers.js in a browser: its candidates are the Node pipeline's in q8. */
  let expectedQ8: { candidates: FillMaskCandidate[]; routes: TokenRoutes[] };
  let expectedLabels: LabelScore[];

  beforeAll(async () => {
    // turbo builds the site before its test; a test run on its own builds it here.
    if (!existsSync(join(dist, 'index.html'))) await build({ configFile: join(appDir, 'vite.config.ts'), logLevel: 'warn' });
    await setBackend('cpu');
    const fill = await pipeline('fill-mask', fffDir, { runtime: 'tfjs', device: 'cpu' });
    try {
      expected = { candidates: (await fill(TEXT, { top_k: TOP_K })) as FillMaskCandidate[], routes: await fffRoutes(fffDir, TEXT) };
    } finally {
      await fill.dispose();
    }
    const quantized = await pipeline('fill-mask', fffDir, { dtype: 'q8', threads: 1 });
    try {
      expectedQ8 = { candidates: (await quantized(TEXT, { top_k: TOP_K })) as FillMaskCandidate[], routes: expected.routes };
    } finally {
      await quantized.dispose();
    }
    const classify = await pipeline('text-classification', join(dist, 'models', 'tiny-fff-classifier'), { runtime: 'tfjs', device: 'cpu' });
    try {
      expectedLabels = (await classify(TEXT, { top_k: null })) as LabelScore[];
    } finally {
      await classify.dispose();
    }
    // Under a sub-folder, as a static host serves a site that is not at its root.
    site = await serveStaticSite(dist, '/some/folder/');
    browser = await launchHeadlessChromium(chromium, { viewport: { width: 1280, height: 1100 }, profilePrefix: 'ufbert-playground-chromium-' });
  });

  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  it('fills the mask and traces the routes as the Node pipeline does, on onnxruntime-web and on tfjs WebGPU, draws them, and classifies with a head', async () => {
    const page = await browser!.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.stack ?? error.message));
    await page.goto(`${site!.url}?backend=ort-wasm&text=${encodeURIComponent(TEXT)}&top_k=${TOP_K}`);

    const onOrt = await settled(page);
    console.info(`playground: ${onOrt.backend}; FFF model on ${onOrt.models[0].runtime}, routes on tfjs wasm`);
    expect(onOrt.models.map((m) => [m.kind, m.task])).toEqual([
      ['fff', 'fill-mask'],
      ['ff', 'fill-mask'],
    ]);
    expect(onOrt.models[0].runtime).toMatch(/^onnxruntime-web \[wasm\]/);
    expectSameAsNode(onOrt, expectedQ8);
    expect(await page.locator('.answer').count()).toBe(2);
    expect(await page.locator('.answer').first().locator('tr.candidate').count()).toBe(TOP_K);

    await page.selectOption('#backend', 'tfjs-webgpu');
    const onWebGpu = await settled(page);
    console.info(`playground: ${onWebGpu.backend}; FFF model on ${onWebGpu.models[0].runtime}`);
    expect(onWebGpu.models[0].runtime).toMatch(/^tfjs \(webgpu on /);
    expectSameAsNode(onWebGpu, expected);

    // The routing view: one group per layer, in each the token's path through every tree.
    const layers = 2;
    const trees = 2;
    const levels = 4;
    expect(await page.locator('#route-tree svg g.layer').count()).toBe(layers);
    expect(await page.locator('#route-tree svg g.tree').count()).toBe(layers * trees);
    expect(await page.locator('#route-tree svg circle.node').count()).toBe(layers * trees * nodesPerTree(levels - 1));
    expect(await page.locator('#route-tree svg circle.visited').count()).toBe(layers * trees * levels);
    expect(await page.locator('#route-heatmap svg g.token-row').count()).toBe(expected.routes.length);
    await page.locator('#route-heatmap g.token-row').nth(5).click();
    expect(await page.locator('#route-tree svg').getAttribute('aria-label')).toBe(`FFF paths of token ${expected.routes[5].token}`);

    mkdirSync(join(appDir, 'test-results'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    if (process.env.UFBERT_UPDATE_SCREENSHOT === '1') copyFileSync(SCREENSHOT, join(appDir, 'docs', 'screenshot.png'));
    console.info(`playground: screenshot saved to ${SCREENSHOT}`);

    // A model with a classification head gets the classification view, with the labels of its config.json.
    await page.selectOption('#model', 'models/tiny-fff-classifier/');
    const classified = await settled(page);
    expect(classified.models[0].task).toBe('text-classification');
    const labels = classified.models[0].answer!.labels!;
    expect(labels.map((l) => l.label)).toEqual(expectedLabels.map((l) => l.label));
    labels.forEach((l, i) => expect(Math.abs(l.score - expectedLabels[i].score)).toBeLessThan(1e-4));
    expect(errors).toEqual([]);
  });

  it('serves the page cross-origin isolated, and its speed panel times both models on 2 wasm threads with the ratios', async () => {
    const page = await browser!.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.stack ?? error.message));
    // The tiny pair, so the test stays short; the panel's default is the full-size pair.
    await page.goto(`${site!.url}speed.html?size=tiny&threads=2&call=1x16&rounds=2&autorun=1`);
    await page.waitForFunction(() => window.ufbertSpeed !== undefined && !['idle', 'busy'].includes(window.ufbertSpeed.status), null, { timeout: 90_000 });
    const speed = (await page.evaluate(() => window.ufbertSpeed)) as SpeedState;
    expect(speed.error).toBeUndefined();
    expect(speed.status).toBe('ready');
    expect(speed.crossOriginIsolated).toBe(true);
    expect(speed.threads).toBe(2);
    expect(speed.models.map((m) => [m.name, m.kind])).toEqual([
      ['UltraFastBERT-tiny-1x11', 'fff'],
      ['crammedBERT-tiny', 'ff'],
    ]);
    for (const m of speed.models) {
      expect(m.usPerToken).toBeGreaterThan(0);
      expect(m.msPerCall * 1000).toBeCloseTo(m.usPerToken * 16, 6);
    }
    expect(speed.ratio).toBeGreaterThan(0);
    expect(speed.flopRatio).toBeGreaterThan(0);
    expect(await page.locator('#speed-results td.us-per-token').allTextContents()).toEqual(speed.models.map((m) => m.usPerToken.toFixed(0)));
    expect(await page.locator('#speed-ratio').textContent()).toMatch(/^crammedBERT \/ UltraFastBERT per token: \d+\.\d\d× \(FLOP ratio \d+\.\d\d×\)$/);
    console.info(`playground speed panel (tiny pair, 1x16, 2 threads): ${speed.models.map((m) => `${m.name} ${m.usPerToken.toFixed(0)} µs/token`).join(', ')}`);
    expect(errors).toEqual([]);
  });
});
