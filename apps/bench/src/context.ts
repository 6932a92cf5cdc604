import { BenchData } from './data.js';
import type { WebGpuProbe } from './environment.js';
import type { BenchOptions } from './options.js';
import { formatRow } from './rows.js';
import type { BrowserProfile, BrowserRow, Check, Row, Skip } from './report/types.js';
import type { WebGpuKernels } from './webgpu-kernels.js';

/** What every suite reads (options, data) and appends to (rows, skips, checks). */
export class SuiteContext {
  readonly rows: Row[] = [];
  readonly skipped: Skip[] = [];
  readonly checks: Check[] = [];
  /** The browser suite's rows (their own shape: timed in a page, not by measure()). */
  readonly browser: BrowserRow[] = [];
  readonly browserProfiles: BrowserProfile[] = [];
  readonly data: BenchData;

  constructor(
    readonly options: BenchOptions,
    readonly webgpu: WebGpuProbe,
    readonly webgpuKernels: WebGpuKernels,
  ) {
    this.data = new BenchData(options.seed);
  }

  log(line: string): void {
    this.options.log?.(line);
  }

  addRow(row: Row): void {
    if (row.backend === 'webgpu' && this.webgpu.description?.isCpuAdapter) {
      const emulated = 'WebGPU on a CPU adapter (an emulated GPU): not the speed of a real GPU';
      row.note = row.note ? `${emulated}; ${row.note}` : emulated;
    }
    this.rows.push(row);
    this.log(formatRow(row));
  }

  /** Records that something did not run, once however many suites find it missing. */
  skip(what: string, reason: string): void {
    if (this.skipped.some((s) => s.what === what && s.reason === reason)) return;
    this.skipped.push({ what, reason });
    this.log(`  skipped ${what}: ${reason}`);
  }

  check(what: string, maxAbsDiff: number, tolerance: number): void {
    const ok = maxAbsDiff <= tolerance;
    // NaN fails the comparison above and is written as null (JSON has no NaN).
    this.checks.push({
      what,
      max_abs_diff: Number.isFinite(maxAbsDiff) ? Number(maxAbsDiff.toPrecision(3)) : null,
      tolerance: Number(tolerance.toPrecision(3)),
      ok,
    });
    if (!ok) this.log(`  CHECK FAILED ${what}: max |diff| ${maxAbsDiff} > ${tolerance}`);
  }
}
