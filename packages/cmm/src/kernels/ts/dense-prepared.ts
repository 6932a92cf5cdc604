import { transpose } from '../../layout.js';
import { PreparedBase } from '../../prepared.js';
import type { DenseShape, DenseWeights } from '../../types.js';
import { checkDenseWeights } from '../../validate.js';

/** Dense weights for the TypeScript kernels: wIn [M, H], bIn [M] (zeros when absent), wOut [O, M] or its transpose [M, O]. */
export class TsDensePrepared extends PreparedBase<DenseShape> {
  constructor(
    shape: DenseShape,
    owner: string,
    readonly wIn: Float32Array,
    readonly bIn: Float32Array,
    /** [O, M], or [M, O] when prepared with `transposeOut` */
    readonly wOut: Float32Array,
  ) {
    super(shape, owner);
  }
}

export function prepareTsDense(weights: DenseWeights, shape: DenseShape, owner: string, transposeOut: boolean): TsDensePrepared {
  checkDenseWeights(weights, shape);
  const { hiddenSize: m, outputSize: o } = shape;
  return new TsDensePrepared(
    { ...shape },
    owner,
    weights.wIn.values.slice(),
    weights.bIn ? weights.bIn.values.slice() : new Float32Array(m),
    transposeOut ? transpose(weights.wOut.values, o, m) : weights.wOut.values.slice(),
  );
}
