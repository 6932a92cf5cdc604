import { PipelineError } from './errors.js';

export type NestedNumbers = number | NestedNumbers[];

/**
 * The tensor-like result of feature extraction, with the fields transformers.js's `Tensor`
 * has for it (`dims`, `data`, `type`, `tolist()`), and no runtime behind it.
 */
export class FeatureTensor {
  readonly type = 'float32' as const;
  readonly dims: readonly number[];
  readonly data: Float32Array;

  constructor(data: Float32Array, dims: readonly number[]) {
    const size = dims.reduce((a, b) => a * b, 1);
    if (size !== data.length) throw new PipelineError(`expected ${size} values for dims [${dims.join(', ')}], got ${data.length}`);
    this.data = data;
    this.dims = dims;
  }

  get size(): number {
    return this.data.length;
  }

  /** Nested arrays of numbers, one level per dimension. */
  tolist(): NestedNumbers[] {
    const build = (axis: number, offset: number): NestedNumbers[] => {
      const stride = this.dims.slice(axis + 1).reduce((a, b) => a * b, 1);
      return Array.from({ length: this.dims[axis] }, (_, i) => (axis === this.dims.length - 1 ? this.data[offset + i] : build(axis + 1, offset + i * stride)));
    };
    return this.dims.length === 0 ? [] : build(0, 0);
  }
}
