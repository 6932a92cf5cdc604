import { describe, expect, it } from 'vitest';
import { DEFAULT_OUT_DIR, parseCli, UsageError } from './cli.js';

describe('parseCli', () => {
  it('runs everything by default, into apps/bench/results', () => {
    const options = parseCli([])!;
    expect(options.mode).toBe('full');
    expect(options.batches).toEqual([1, 16, 128, 1024]);
    expect(options.suites).toEqual(['external', 'kernels', 'depth-sweep', 'training', 'model', 'browser']);
    expect(DEFAULT_OUT_DIR.endsWith('/results')).toBe(true);
  });

  it('ignores the -- that pnpm forwards, and takes the quick subset', () => {
    const options = parseCli(['--', '--quick'])!;
    expect(options.mode).toBe('quick');
    expect(options.batches).toEqual([1, 16, 128]);
    expect(options.denseWidths).toEqual([3072]);
  });

  it('takes overrides and rejects what it does not know', () => {
    const options = parseCli(['--smoke', '--out', '/tmp/x', '--suites', 'kernels,external', '--budget', '0.5', '--tfjs-backends', 'cpu,wasm'])!;
    expect(options).toMatchObject({ mode: 'smoke', outDir: '/tmp/x', suites: ['kernels', 'external'], budgetS: 0.5, tfjsBackends: ['cpu', 'wasm'] });
    expect(parseCli(['--help'])).toBeUndefined();
    expect(() => parseCli(['--suites', 'kernels,gpu'])).toThrow(UsageError);
    expect(() => parseCli(['--budget=-1'])).toThrow(/positive number/);
    expect(() => parseCli(['--quick', '--smoke'])).toThrow(/exclude each other/);
    expect(() => parseCli(['--fast'])).toThrow(UsageError);
    expect(() => parseCli(['--suites', 'kernels,kernels'])).toThrow("--suites names 'kernels' twice");
    expect(() => parseCli(['--wasm-build', 'sse'])).toThrow("--wasm-build must be one of relaxed-simd, simd, auto, got 'sse'");
  });

  it('takes --suite browser for the browser suite alone, and keeps the browser suite out of a plain --smoke', () => {
    expect(parseCli(['--', '--suite', 'browser'])!.suites).toEqual(['browser']);
    expect(() => parseCli(['--suite', 'browser', '--suites', 'model'])).toThrow(/exclude each other/);
    expect(parseCli(['--smoke'])!.suites).not.toContain('browser');
  });
});
