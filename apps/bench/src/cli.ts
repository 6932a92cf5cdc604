import { fileURLToPath } from 'node:url';
import { formatHelp, parseChoiceFlag, parseCommandLine, parseListFlag, parseNumberFlag, UsageProblems, type CommandSpec } from '@ufbert/tensor/node';
import { modeDefaults, SUITES, type BenchOptions, type TfjsBackend } from './options.js';
import type { Mode, Suite } from './report/types.js';

export { UsageError } from '@ufbert/tensor/node';

export const DEFAULT_OUT_DIR = fileURLToPath(new URL('../results', import.meta.url));

export const BENCH_COMMAND = {
  usage: 'node dist/main.js [options]',
  summary: `(no option) full run: every kernel level, B in {1,16,128,1024}, KxD sweep, training step,
whole model, onnxruntime baseline, the browser suite`,
  options: {
    quick: { type: 'boolean', help: 'a subset of about a minute (B in {1,16,128}, FF-3072, fused sweep, fewer samples)' },
    smoke: { type: 'boolean', help: 'tiny H, a few calls each: proves the pipeline in seconds' },
    out: { type: 'string', value: 'DIR', help: 'where results go (default apps/bench/results)' },
    suites: { type: 'string', value: 'a,b', help: `some of: ${SUITES.join(', ')}` },
    suite: { type: 'string', value: 'NAME', help: 'one suite (--suite browser: the browser suite alone)' },
    budget: { type: 'string', value: 'S', help: 'target seconds per measurement' },
    'tfjs-backends': { type: 'string', value: 'a,b', help: 'tfjs backends for the training and model rows (cpu, wasm, webgpu; default wasm)' },
    'webgpu-on-cpu-adapter': { type: 'boolean', help: 'run the webgpu kernels even on an emulated adapter (SwiftShader): minutes per dense call' },
    'wasm-build': {
      type: 'string',
      value: 'B',
      help: "the @ufbert/cmm WASM build: relaxed-simd, simd or auto (default: relaxed SIMD where\nthe engine has it; `pnpm start` adds Node 20's flag for it)",
    },
  },
  notes: 'Exit status: 0 done, 1 a failed check or suite, 2 usage.',
} as const satisfies CommandSpec;

export const USAGE = formatHelp(BENCH_COMMAND);

const TFJS_BACKENDS: readonly TfjsBackend[] = ['cpu', 'wasm', 'webgpu'];
const WASM_BUILDS = ['relaxed-simd', 'simd', 'auto'] as const;

/** Options from the command line; `undefined` when --help was asked for. */
export function parseCli(argv: readonly string[]): BenchOptions | undefined {
  // pnpm forwards a literal `--` from `pnpm start -- --quick`.
  const { values, help } = parseCommandLine(
    BENCH_COMMAND,
    argv.filter((a) => a !== '--'),
  );
  if (help) return undefined;
  const problems = new UsageProblems(USAGE);
  if (values.quick && values.smoke) problems.add('--quick and --smoke exclude each other');
  if (values.suites !== undefined && values.suite !== undefined) problems.add('--suite and --suites exclude each other');
  const mode: Mode = values.smoke ? 'smoke' : values.quick ? 'quick' : 'full';
  const options = modeDefaults(mode, values.out ?? DEFAULT_OUT_DIR);
  const suites = values.suites ?? values.suite;
  if (suites !== undefined) options.suites = problems.check(() => parseListFlag<Suite>(values.suites ? 'suites' : 'suite', suites, SUITES)) ?? options.suites;
  if (values.budget !== undefined) options.budgetS = problems.check(() => parseNumberFlag('budget', values.budget!, { positive: true })) ?? options.budgetS;
  const backends = values['tfjs-backends'];
  if (backends !== undefined) options.tfjsBackends = problems.check(() => parseListFlag('tfjs-backends', backends, TFJS_BACKENDS)) ?? options.tfjsBackends;
  if (values['webgpu-on-cpu-adapter']) options.webgpuOnCpuAdapter = true;
  const build = values['wasm-build'];
  if (build !== undefined) options.wasmBuild = problems.check(() => parseChoiceFlag('wasm-build', build, WASM_BUILDS)) ?? options.wasmBuild;
  problems.throwIfAny();
  return options;
}
