import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kernelLabel, listKernels } from '@ufbert/cmm';
import { CONDITIONAL_CASES, DENSE_CASES, TRAINING_CASES, conditionalCaseName, denseCaseName } from '@ufbert/cmm/conformance';
import type { PageReport } from '../page/report.js';
import { chromium, type BrowserContext } from 'playwright-core';
import { CHROMIUM, launchHeadlessChromium, type HeadlessChromium } from '@ufbert/test-utils/headless-chromium';
import { servePage, type ServedPage } from './serve.js';

// Where Chromium is installed, WebGPU must work in it: a missing adapter fails the test.
describe.skipIf(!existsSync(CHROMIUM))(`WebGPU kernels in headless Chromium${existsSync(CHROMIUM) ? '' : ` (skipped: ${CHROMIUM} is missing)`}`, () => {
  let page: ServedPage | undefined;
  let browser: HeadlessChromium<BrowserContext> | undefined;

  beforeAll(async () => {
    page = await servePage();
    browser = await launchHeadlessChromium(chromium);
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
    // every webgpu kernel of cmm's registry on every case of cmm's tables for its kind
    const labels = listKernels(undefined, ['webgpu']).map((kernel) => kernelLabel(kernel));
    const ran = (label: string, caseName: string) => report.checks.some((c) => c.name.startsWith(`${label} ${caseName} `));
    for (const kernel of listKernels(undefined, ['webgpu'])) {
      const names =
        kernel.kernelName === 'DenseMatmul'
          ? DENSE_CASES.map(denseCaseName)
          : (kernel.kernelName === 'ConditionalMatmul' ? CONDITIONAL_CASES : TRAINING_CASES).map(conditionalCaseName);
      expect(
        names.filter((name) => !ran(kernelLabel(kernel), name)),
        kernelLabel(kernel),
      ).toEqual([]);
    }
    // 15 fixture tensors, 3 model tensors per onnxruntime-web provider list (wasm; webgpu then wasm)
    expect(report.checks.filter((c) => !labels.some((label) => c.name.startsWith(`${label} `))).length).toBe(21);
    console.info(
      report.checks
        .filter((c) => c.name.startsWith('onnxruntime-web'))
        .map((c) => `webgpu-browser: ${c.name}: ${c.detail}`)
        .join('\n'),
    );
  }, 180_000);
});
