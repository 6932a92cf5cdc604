import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PageReport } from '../page/report.js';
import { CHROMIUM, launchChromium, type Chromium } from './chromium.js';
import { servePage, type ServedPage } from './serve.js';

// Where Chromium is installed, WebGPU must work in it: a missing adapter fails the test.
describe.skipIf(!existsSync(CHROMIUM))(`WebGPU kernels in headless Chromium${existsSync(CHROMIUM) ? '' : ` (skipped: ${CHROMIUM} is missing)`}`, () => {
  let page: ServedPage | undefined;
  let browser: Chromium | undefined;

  beforeAll(async () => {
    page = await servePage();
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await page?.close();
  });

  it('runs the cmm conformance cases and the FFF fixtures on navigator.gpu', async () => {
    const tab = browser!.context.pages()[0] ?? (await browser!.context.newPage());
    const pageErrors: string[] = [];
    tab.on('pageerror', (err) => pageErrors.push(err.stack ?? err.message));
    await tab.goto(page!.url);
    await tab.waitForFunction(() => window.ufbertReport !== undefined, null, { timeout: 150_000 });
    const report = (await tab.evaluate(() => window.ufbertReport)) as PageReport;
    console.info(`webgpu-browser: Chromium (${CHROMIUM}) ran on ${report.adapter ?? 'no adapter'}`);
    expect(pageErrors).toEqual([]);
    expect(report.error).toBeUndefined();
    expect(report.adapter).toMatch(/^webgpu on /);
    const failed = report.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`);
    expect(failed).toEqual([]);
    // 8 ConditionalMatmul, 4 DenseMatmul, 22 training checks, 15 fixture tensors, 3 model tensors per onnxruntime-web provider list (wasm; webgpu then wasm)
    expect(report.checks.length).toBe(55);
    console.info(report.checks.filter((c) => c.name.startsWith('onnxruntime-web')).map((c) => `webgpu-browser: ${c.name}: ${c.detail}`).join('\n'));
  }, 180_000);
});
