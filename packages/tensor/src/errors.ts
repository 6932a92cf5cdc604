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
