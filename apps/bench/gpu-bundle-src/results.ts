import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureFolderSync, FILE_LIMITS, readTextSync, writeFileAtomicSync } from '@ufbert/tensor/node';
import type { WebGpuAdapterDescription } from '@ufbert/tensor';
import type { BenchResult } from '../src/report/types.js';
import { validate, type JsonSchema } from '../src/schema/validate.js';
import schema from '../results.schema.json' with { type: 'json' };
import type { KernelVerdict } from './conformance.js';
import { InvalidResultError } from './errors.js';
import type { TimingMethod } from './gpu-timer.js';

/** The adapter as this run found it: what @ufbert/tensor describes, and what Dawn's device says on top. */
export interface AdapterReport extends WebGpuAdapterDescription {
  /** GPUAdapterInfo.isFallbackAdapter where Dawn reports it. */
  isFallbackAdapter?: boolean;
  timestampQuery: boolean;
  /** Set on a CPU adapter: its times are an emulated GPU's, never targets. */
  emulated?: string;
}

/** One file a remote runner collects: the bench's run (results.schema.json) with what only the GPU bench has. */
export interface GpuBenchReport {
  gpu_bench_version: 1;
  adapter: AdapterReport;
  timing: TimingMethod;
  /** cmm's conformance cases per webgpu kernel on this adapter; a failing kernel is not timed. */
  conformance: KernelVerdict[];
  /** Rows, skips (with reasons) and settings in the bench's own schema. */
  run: BenchResult;
}

/** Versions written by scripts/bundle-gpu.mjs next to bench.mjs. */
export function bundledVersions(): Record<string, string> {
  try {
    return JSON.parse(
      readTextSync(fileURLToPath(new URL('./versions.json', import.meta.url)), { what: 'bundle versions file', maxBytes: FILE_LIMITS.json }),
    ) as Record<string, string>;
  } catch {
    return { bundle: 'versions.json missing (not run from the bundle)' };
  }
}

/** The file of a run that found no adapter: why, and what the machine offers Vulkan. */
export interface GpuBenchFailure {
  gpu_bench_version: 1;
  created_at: string;
  error: string;
  diagnostics: Record<string, string | string[]>;
  software: Record<string, string>;
}

const fileName = (createdAt: string) => `gpu-bench-${createdAt.replace(/[:.]/g, '-')}.json`;

/** Writes gpu-bench-<time>.json for a run that could not start, so a remote runner still collects one file. */
export function writeFailure(dir: string, failure: GpuBenchFailure): string {
  ensureFolderSync(dir, { what: 'results folder' });
  const file = join(dir, fileName(failure.created_at));
  writeFileAtomicSync(file, `${JSON.stringify(failure, null, 2)}\n`);
  return file;
}

/** Checks the run against results.schema.json and writes gpu-bench-<time>.json into `dir`; returns its path. */
export function writeReport(dir: string, report: GpuBenchReport): string {
  const errors = validate(schema as JsonSchema, report.run);
  if (errors.length) {
    throw new InvalidResultError(
      `the run does not match results.schema.json: ${errors
        .slice(0, 3)
        .map((e) => `${e.path || '/'} ${e.message}`)
        .join('; ')}`,
    );
  }
  ensureFolderSync(dir, { what: 'results folder' });
  const file = join(dir, fileName(report.run.created_at));
  writeFileAtomicSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}
