import { PreparedKernelError } from './errors.js';
import type { PreparedKernel } from './types.js';

/** Base of every prepared object: remembers which kernel made it and whether it was disposed. */
export abstract class PreparedBase<S> implements PreparedKernel<S> {
  private disposed = false;

  constructor(
    readonly shape: S,
    /** kernelLabel() of the kernel that prepared this. */
    readonly owner: string,
  ) {}

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.release();
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Frees backend resources; called once by dispose(). */
  protected release(): void {}
}

/**
 * `ConditionalMatmul/wasm/fused`; a kernel on other than fp32 weights adds its dtype:
 * `ConditionalMatmul/wasm/fused/q8`; one run at a set thread count adds it: `..., 2 threads`.
 * The count is an option object so that `labels.map(kernelLabel)` never reads an index as threads.
 */
export function kernelLabel(
  kernel: { kernelName: string; backend: string; level: number | string; dtype?: string },
  { threads }: { threads?: number } = {},
): string {
  const label = `${kernel.kernelName}/${kernel.backend}/${kernel.level}`;
  const withDtype = kernel.dtype === undefined || kernel.dtype === 'fp32' ? label : `${label}/${kernel.dtype}`;
  return threads === undefined ? withDtype : `${withDtype}, ${threads} thread${threads > 1 ? 's' : ''}`;
}

/** Narrows `prepared` to the class a kernel prepares, or throws PreparedKernelError. */
export function claimPrepared<P extends PreparedBase<unknown>>(
  prepared: PreparedKernel<unknown>,
  kind: abstract new (...args: never[]) => P,
  owner: string,
): P {
  if (!(prepared instanceof kind) || prepared.owner !== owner) {
    const from = prepared instanceof PreparedBase ? prepared.owner : 'an unknown source';
    throw new PreparedKernelError(`${owner} cannot run weights prepared by ${from}; call its own prepare()`);
  }
  if (prepared.isDisposed) throw new PreparedKernelError(`${owner}: prepared weights were disposed`);
  return prepared;
}
