import { describe, expect, it } from 'vitest';
import { browserSection, browserTargets } from './browser.js';
import type { BrowserRow } from './types.js';

const row = (model: string, family: 'fff' | 'ff', runtime: string, threads: number, call: string, us: number): BrowserRow => ({
  model,
  family,
  dtype: 'fp32',
  runtime,
  ep: 'wasm',
  threads,
  call,
  us_per_token: us,
  ms_per_call: us,
  samples: 3,
  cross_origin_isolated: true,
  browser_version: 'HeadlessChrome/150.0.7871.100',
  hardware_concurrency: 2,
});

describe('the browser targets', () => {
  const rows = [
    row('ultrafastbert-1x11', 'fff', 'onnxruntime-web', 2, '8x128', 500),
    row('crammedbert-3072', 'ff', 'onnxruntime-web', 2, '8x128', 1100),
    row('ultrafastbert-1x11', 'fff', 'onnxruntime-web', 2, '1x16', 600),
    row('crammedbert-3072', 'ff', 'onnxruntime-web', 2, '1x16', 900),
    row('ultrafastbert-1x11', 'fff', 'onnxruntime-web', 1, '8x128', 100),
    row('fff-1x11', 'fff', '@ufbert/cmm', 1, 'B=128', 2),
    row('ff-3072', 'ff', 'onnxruntime-web', 1, 'B=128', 100),
    row('ff-3072', 'ff', 'onnxruntime-web', 2, 'B=128', 30),
  ];

  it('compares same dtype, runtime, EP, threads and call: 2 threads for the models, thread-matched for the kernel', () => {
    expect(browserTargets(rows).map((t) => [t.value, t.target, t.met])).toEqual([
      [2.2, 2, true],
      [1.5, 2, false],
      [50, 20, true],
    ]);
  });

  it('prints the table with the ratios and the targets, met or not', () => {
    const text = browserSection(rows).join('\n');
    expect(text).toContain('| ultrafastbert-1x11 | fp32 | onnxruntime-web | wasm | 2 | 8x128 | 500 | 500 | 2.20× | 3 |');
    expect(text).toContain('1x16: 1.50× (target 2×): NOT met');
    expect(text).toContain('B=128, 1 thread each: 50× (target 20×): met');
    expect(browserSection(undefined)).toEqual([]);
  });
});
