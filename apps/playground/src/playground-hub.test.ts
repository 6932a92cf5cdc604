import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { build } from 'vite';
import { setBackend } from '@ufbert/tensor';
import { pipeline, type FillMaskCandidate } from '@ufbert/pipelines';
import { LocalHub, folderFiles } from '../../../packages/pipelines/src/test-utils/local-hub.js';
import type { PageState } from '../page/page-state.js';
import { CHROMIUM, launchHeadlessChromium, type HeadlessChromium } from '@ufbert/test-utils/headless-chromium';
import { serveStaticSite, type StaticSite } from './static-site.js';

const appDir = fileURLToPath(new URL('..', import.meta.url));
const dist = join(appDir, 'dist');
/** A model folder in the published checkpoint's layout (config.json with arch, <mask> tokens). */
const PUBLISHED = join(appDir, '..', '..', 'fixtures', 'published-layout');
const ID = 'pbelcak/tiny-fff';
const TEXT = 'the capital of france is <mask>.';

async function settled(page: Page): Promise<PageState> {
  await page.waitForFunction(() => window.ufbertPlayground?.status !== 'busy', null, { timeout: 60_000 });
  const state = (await page.evaluate(() => window.ufbertPlayground)) as PageState;
  expect(state.error).toBeUndefined();
  expect(state.status).toBe('ready');
  return state;
}

describe.skipIf(!existsSync(CHROMIUM))(`the playground loads a model by hub id${existsSync(CHROMIUM) ? '' : ` (skipped: ${CHROMIUM} is missing)`}`, () => {
  let site: StaticSite | undefined;
  let hub: LocalHub | undefined;
  let browser: HeadlessChromium<BrowserContext> | undefined;
  let expected: FillMaskCandidate[];

  beforeAll(async () => {
    if (!existsSync(join(dist, 'index.html'))) await build({ configFile: join(appDir, 'vite.config.ts'), logLevel: 'warn' });
    await setBackend('cpu');
    const fill = await pipeline('fill-mask', PUBLISHED, { runtime: 'tfjs', device: 'cpu' });
    try {
      expected = (await fill(TEXT, { top_k: 3 })) as FillMaskCandidate[];
    } finally {
      await fill.dispose();
    }
    hub = await LocalHub.start();
    hub.publish(ID, folderFiles(PUBLISHED));
    site = await serveStaticSite(dist);
    browser = await launchHeadlessChromium(chromium, { viewport: { width: 1280, height: 900 }, profilePrefix: 'ufbert-playground-hub-chromium-' });
  });

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await hub?.stop();
  });

  it('downloads it from the hub with a progress bar, answers as the Node pipeline does, and after a reload runs from the Cache API with no request', async () => {
    const page = await browser!.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.stack ?? error.message));
    await page.goto(`${site!.url}?backend=tfjs-wasm&compare=&top_k=3&text=${encodeURIComponent(TEXT)}&hub=${encodeURIComponent(hub!.endpoint)}&id=${ID}`);
    const first = await settled(page);
    expect(first.models.map((m) => m.name)).toEqual([ID]);
    expect(first.download!.fetched).toContain('model.safetensors');
    expect(first.download!.loaded).toBe(first.download!.total);
    const candidates = first.models[0].answer!.candidates!;
    expect(candidates.map((c) => c.token_str)).toEqual(expected.map((c) => c.token_str));
    candidates.forEach((c, i) => expect(Math.abs(c.score - expected[i].score)).toBeLessThan(1e-4));
    expect(hub!.requests.some((r) => r.host === 'storage')).toBe(true);

    hub!.requests.length = 0;
    await page.reload();
    const reloaded = await settled(page);
    expect(reloaded.download!.fetched).toEqual([]);
    expect(reloaded.models[0].answer!.candidates!.map((c) => c.token_str)).toEqual(expected.map((c) => c.token_str));
    expect(hub!.requests).toEqual([]);
    expect(errors).toEqual([]);
  });
});
