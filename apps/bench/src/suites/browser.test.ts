import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import { CHROMIUM, launchHeadlessChromium } from '@ufbert/test-utils/headless-chromium';
import { BenchPageDriver } from '../browser/bench-page-driver.js';
import { serveBenchPage } from '../browser/bench-server.js';
import { PageError } from '../browser/errors.js';
import { modeDefaults } from '../options.js';
import type { BenchSummary } from '../report/summary.js';
import type { BenchResult } from '../report/types.js';
import { loadSchema, loadSummarySchema } from '../report/write.js';
import { runBench, type BenchRun } from '../run.js';
import { validate } from '../schema/validate.js';

const skipReason = existsSync(CHROMIUM) ? '' : ` (skipped: ${CHROMIUM} is missing)`;

/** One smoke run of the browser suite alone: tiny models, one round, every row. */
describe.skipIf(!existsSync(CHROMIUM))(`the browser suite in headless Chromium${skipReason}`, () => {
  let outDir: string;
  let run: BenchRun;
  let result: BenchResult;

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'ufbert-bench-browser-'));
    run = await runBench({ ...modeDefaults('smoke', outDir), suites: ['browser'] });
    result = JSON.parse(readFileSync(run.files.json, 'utf8')) as BenchResult;
  }, 240_000);

  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('times every planned row in a cross-origin-isolated page, and writes them to the results and the summary', () => {
    expect(run.failures).toEqual([]);
    expect(validate(loadSchema(), result)).toEqual([]);
    const rows = result.browser!;
    expect(rows.every((r) => r.cross_origin_isolated)).toBe(true);
    console.info(`browser suite smoke run: ${rows[0].browser_version}, hardwareConcurrency ${rows[0].hardware_concurrency}, ${rows.length} rows`);
    // the full version (the product string), not the user agent's reduced 150.0.0.0
    expect(rows.every((r) => /^(Headless)?Chrom\w*\/\d+\.\d+\.\d+\.\d+$/.test(r.browser_version) && !r.browser_version.endsWith('.0.0.0'))).toBe(true);
    expect(rows.every((r) => r.hardware_concurrency >= 1 && r.us_per_token > 0)).toBe(true);
    const options = modeDefaults('smoke', outDir).browser;
    const models = modeDefaults('smoke', outDir).modelPresets.map((p) => p.toLowerCase());
    const keys = new Set(rows.map((r) => `${r.model} ${r.dtype} ${r.runtime} ${r.ep} ${r.threads} ${r.call}`));
    for (const threads of options.threads) {
      for (const model of models) {
        for (const dtype of ['fp32', 'q8'])
          for (const [s, t] of options.shapes) expect(keys).toContain(`${model} ${dtype} onnxruntime-web wasm ${threads} ${s}x${t}`);
      }
      for (const b of options.kernelBatches) expect(keys).toContain(`ff-3072 fp32 onnxruntime-web wasm ${threads} B=${b}`);
    }
    for (const threads of options.threads) for (const b of options.kernelBatches) expect(keys).toContain(`fff-1x11 fp32 @ufbert/cmm wasm ${threads} B=${b}`);
    // cmm's kernel on its pool of Web Workers: at B=128 the 2-thread row ran on 2 threads (calibration off in smoke runs)
    const cmm128 = rows.filter((r) => r.runtime === '@ufbert/cmm' && r.call === 'B=128');
    expect(cmm128.map((r) => [r.threads, r.threads_used])).toEqual(options.threads.map((t) => [t, t]));
    // onnxruntime-web's operator profile of every model, on the 2-thread page
    expect(result.browser_profile!.map((p) => `${p.model} ${p.dtype} ${p.threads}`).sort()).toEqual(models.flatMap((m) => [`${m} fp32 2`, `${m} q8 2`]).sort());
    for (const p of result.browser_profile!) expect(p.ops.some((o) => o.op === 'MatMul' || o.op === 'MatMulInteger')).toBe(true);
    // WebGPU: rows on the page's adapter, or a skip that says why there are none
    const webgpu = rows.filter((r) => r.ep === 'webgpu');
    if (webgpu.length) expect(webgpu.map((r) => r.model).sort()).toEqual([...models].sort());
    else expect(result.skipped.map((s) => s.what)).toContain('browser rows on the WebGPU EP');

    const summary = JSON.parse(readFileSync(run.files.summary, 'utf8')) as BenchSummary;
    expect(validate(loadSummarySchema(), summary)).toEqual([]);
    expect(summary.browser).toEqual(
      rows.map(({ model, dtype, runtime, ep, threads, call, us_per_token, cross_origin_isolated, browser_version }) =>
        expect.objectContaining({ model, dtype, runtime, ep, threads, call, us_per_token, cross_origin_isolated, browser_version }),
      ),
    );
    const kernelTarget = (t: number) => `@ufbert/cmm fff-1x11 kernel vs onnxruntime-web ff-3072 in Chromium, B=128, ${t} thread${t > 1 ? 's' : ''} each`;
    expect(summary.browser_targets!.map((t) => t.what)).toEqual(options.threads.map(kernelTarget));
    expect(readFileSync(run.files.markdown, 'utf8')).toContain('## In the browser');
  });

  it('refuses a threaded row in a page without cross-origin isolation, with the reason', async () => {
    const server = await serveBenchPage({ models: new Map(), isolated: false });
    const browser = await launchHeadlessChromium(chromium, { profilePrefix: 'ufbert-bench-chromium-' });
    try {
      const page = await BenchPageDriver.open(browser.context, server.url, 30_000);
      expect((await page.call('info')).crossOriginIsolated).toBe(false);
      const refused = page.call('setup', { ep: 'wasm', threads: 2 });
      await expect(refused).rejects.toThrow(PageError);
      await expect(refused).rejects.toThrow(/not cross-origin isolated: 2 wasm threads need COOP\/COEP headers/);
      // @ufbert/cmm's pool stays single-threaded there and says why, without a hang or a throw
      const cmm = await page.call('cmmThreads', 2, false);
      expect(cmm).toMatchObject({ threads: 1, state: 'unavailable', reason: expect.stringMatching(/^the page is not cross-origin isolated/) });
    } finally {
      await browser.close();
      await server.close();
    }
  }, 60_000);
});
