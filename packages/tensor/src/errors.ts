/** Base class of every error ufbert throws on purpose. */
export class UfbertError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A requested backend cannot run here (no adapter, no WebAssembly, lost device). */
export class BackendUnavailableError extends UfbertError {}

/** A tensor's shape or dtype is not what an operation expects. */
export class ShapeError extends UfbertError {}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

export function assertShape(name: string, actual: readonly number[], expected: readonly number[]): void {
  if (actual.length !== expected.length || actual.some((d, i) => d !== expected[i])) {
    throw new ShapeError(`expected ${name} of shape ${formatShape(expected)}, got ${formatShape(actual)}`);
  }
}

/**
 * An optional package a requested feature needs is not installed (WebGPU in Node needs
 * Dawn, the `webgpu` package). A BackendUnavailableError, so `auto` falls back past it.
 */
export class MissingOptionalPackageError extends BackendUnavailableError {
  constructor(
    message: string,
    /** The package to install, with the range ufbert supports, e.g. `webgpu@^0.6.2`. */
    readonly install: string,
  ) {
    super(message);
  }
}
