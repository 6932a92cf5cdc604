import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { modeDefaults, SUITES, type BenchOptions, type TfjsBackend } from './options.js';
import type { Mode, Suite } from './report/types.js';

export const DEFAULT_OUT_DIR = fileURLToPath(new URL('../results', import.meta.url));

export const USAGE = `Usage: node dist/main.js [options]

  (no option)          full run: every kernel level, B in {1,16,128,1024}, KxD sweep,
                       training step, whole model, onnxruntime baseline, the browser suite
  --quick              a subset of about a minute (B in {1,16,128}, FF-3072, fused sweep, fewer samples)
  --smoke              tiny H, a few calls each: proves the pipeline in seconds
  --out DIR            where results go (default apps/bench/results)
  --suites a,b         some of: ${SUITES.join(', ')} (--suite browser: the browser suite alone)
  --budget S           target seconds per measurement
  --tfjs-backends a,b  tfjs backends for the training and model rows (cpu, wasm, webgpu; default wasm)
  --webgpu-on-cpu-adapter
                       run the webgpu kernels even on an emulated adapter (SwiftShader): minutes per dense call
  --wasm-build B       the @ufbert/cmm WASM build: relaxed-simd, simd or auto (default: relaxed SIMD where
                       the engine has it; \`pnpm start\` adds Node 20's flag for it)
  --help               this text`;

export class UsageError extends Error {
  override name = 'UsageError';
}

function list<T extends string>(value: string, allowed: readonly T[], what: string): T[] {
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const item of items) {
    if (!allowed.includes(item as T)) throw new UsageError(`unknown ${what} '${item}'; expected some of ${allowed.join(', ')}`);
  }
  if (items.length === 0) throw new UsageError(`--${what}s needs at least one of ${allowed.join(', ')}`);
  return items as T[];
}

/** Options from the command line; `undefined` when --help was asked for. */
export function parseCli(argv: readonly string[]): BenchOptions | undefined {
  // pnpm forwards a literal `--` from `pnpm start -- --quick`.
  const args = argv.filter((a) => a !== '--');
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      quick: { type: 'boolean' },
      smoke: { type: 'boolean' },
      out: { type: 'string' },
      suites: { type: 'string' },
      suite: { type: 'string' },
      budget: { type: 'string' },
      'tfjs-backends': { type: 'string' },
      'webgpu-on-cpu-adapter': { type: 'boolean' },
      'wasm-build': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return undefined;
  if (values.quick && values.smoke) throw new UsageError('--quick and --smoke exclude each other');
  const mode: Mode = values.smoke ? 'smoke' : values.quick ? 'quick' : 'full';
  const options = modeDefaults(mode, values.out ?? DEFAULT_OUT_DIR);
  if (values.suites !== undefined && values.suite !== undefined) throw new UsageError('--suite and --suites exclude each other');
  const suites = values.suites ?? values.suite;
  if (suites !== undefined) options.suites = list<Suite>(suites, SUITES, 'suite');
  if (values.budget !== undefined) {
    const budget = Number(values.budget);
    if (!(budget > 0)) throw new UsageError(`--budget expects a positive number of seconds, got '${values.budget}'`);
    options.budgetS = budget;
  }
  if (values['tfjs-backends'] !== undefined) options.tfjsBackends = list<TfjsBackend>(values['tfjs-backends'], ['cpu', 'wasm', 'webgpu'], 'tfjs-backend');
  if (values['webgpu-on-cpu-adapter']) options.webgpuOnCpuAdapter = true;
  const build = values['wasm-build'];
  if (build !== undefined) {
    if (build !== 'auto' && build !== 'simd' && build !== 'relaxed-simd') throw new UsageError(`--wasm-build expects relaxed-simd, simd or auto, got '${build}'`);
    options.wasmBuild = build;
  }
  return options;
}
