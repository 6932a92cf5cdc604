import { KernelChoiceError } from './errors.js';
import { KERNEL_BACKENDS, WEIGHT_DTYPES } from './registry.js';
import type { KernelBackend, KernelLevel, WeightDtype } from './types.js';

/**
 * Which kernel to run and how: a backend, an implementation level, a weight dtype and the
 * threads its prepared instance uses; what is left out is chosen (see `chooseKernel`). It is
 * passed down explicitly, model -> FFF layer -> kernel, never set process-wide. Its text
 * form (`wasm/fused/q8@4`) is read by `parseKernelChoice` and written by `formatKernelChoice`.
 */
export interface KernelChoice {
  readonly backend?: KernelBackend;
  readonly level?: KernelLevel;
  /** Left out: `fp32`. `q8` is never chosen for you: it changes results (within its stated error). */
  readonly dtype?: WeightDtype;
  /** Threads of the prepared kernel, the calling thread included (wasm; other backends have none). Left out: the number of CPUs, at most 8. */
  readonly threads?: number;
}

export const KERNEL_LEVELS: readonly KernelLevel[] = [1, 2, 3, 'fused'];

const FORM = 'BACKEND[/LEVEL[/DTYPE]][@THREADS], each part a name or auto (wasm, ts/1, wasm/fused/q8, auto@2)';

/**
 * Reads the text form of a kernel choice: `auto` (everything chosen), `wasm`, `ts/1`,
 * `wasm/fused/q8`, `wasm/fused@2` (two threads). Whether such a kernel is registered is
 * the registry's question (`chooseKernel`), asked where the tensors' backend is known.
 */
export function parseKernelChoice(text: string): KernelChoice {
  const shown = JSON.stringify(text.slice(0, 40));
  const [spec, threadText, extraAt] = text.split('@');
  if (extraAt !== undefined) throw new KernelChoiceError(`kernel choice ${shown} has more than one @; expected ${FORM}`);
  let threads: number | undefined;
  if (threadText !== undefined) {
    threads = /^[0-9]+$/.test(threadText) ? Number(threadText) : Number.NaN;
    if (!Number.isSafeInteger(threads) || threads < 1)
      throw new KernelChoiceError(`kernel choice ${shown}: threads must be a positive integer; expected ${FORM}`);
  }
  const [backend, level, dtype, extra] = spec.split('/');
  if (extra !== undefined) throw new KernelChoiceError(`kernel choice ${shown} has too many parts; expected ${FORM}`);
  // `auto` in a place leaves that part to the registry
  const given = (part: string | undefined): part is string => part !== undefined && part !== 'auto';
  if (given(backend) && !KERNEL_BACKENDS.includes(backend as KernelBackend)) {
    throw new KernelChoiceError(`kernel choice ${shown}: unknown backend '${backend}'; expected one of ${KERNEL_BACKENDS.join(', ')} or auto`);
  }
  const levelValue = given(level) ? (/^[0-9]+$/.test(level) ? Number(level) : level) : undefined;
  if (levelValue !== undefined && !KERNEL_LEVELS.includes(levelValue as KernelLevel)) {
    throw new KernelChoiceError(`kernel choice ${shown}: unknown level '${level}'; expected one of ${KERNEL_LEVELS.join(', ')} or auto`);
  }
  if (dtype !== undefined && !WEIGHT_DTYPES.includes(dtype as WeightDtype)) {
    throw new KernelChoiceError(`kernel choice ${shown}: unknown dtype '${dtype}'; expected one of ${WEIGHT_DTYPES.join(', ')}`);
  }
  return {
    ...(given(backend) ? { backend: backend as KernelBackend } : {}),
    ...(levelValue === undefined ? {} : { level: levelValue as KernelLevel }),
    ...(dtype === undefined ? {} : { dtype: dtype as WeightDtype }),
    ...(threads === undefined ? {} : { threads }),
  };
}

/**
 * The text form parseKernelChoice reads: `wasm/fused/q8@2`, `auto` for `{}`. A dtype or
 * level without a backend (left to the registry) is written with `auto` in its place.
 */
export function formatKernelChoice(choice: KernelChoice): string {
  const parts: string[] = [choice.backend ?? 'auto'];
  if (choice.level !== undefined || choice.dtype !== undefined) parts.push(String(choice.level ?? 'auto'));
  if (choice.dtype !== undefined) parts.push(choice.dtype);
  const threads = choice.threads === undefined ? '' : `@${choice.threads}`;
  return parts.join('/') + threads;
}
