import { transpose } from '../../layout.js';
import { PreparedBase } from '../../prepared.js';
import { nodesPerTree } from '../../tree.js';
import type { ConditionalShape, ConditionalWeights } from '../../types.js';
import { checkConditionalWeights } from '../../validate.js';

/** FFF weights for the TypeScript kernels: wIn [N, H] and bIn copied, wOut transposed to [N, O]. */
export class TsConditionalPrepared extends PreparedBase<ConditionalShape> {
  readonly nodesPerTree: number;

  constructor(
    shape: ConditionalShape,
    owner: string,
    readonly wIn: Float32Array,
    readonly bIn: Float32Array,
    readonly wOutT: Float32Array,
  ) {
    super(shape, owner);
    this.nodesPerTree = nodesPerTree(shape.depth);
  }
}

export function prepareTsConditional(weights: ConditionalWeights, shape: ConditionalShape, owner: string): TsConditionalPrepared {
  const neurons = checkConditionalWeights(weights, shape);
  return new TsConditionalPrepared(
    { ...shape },
    owner,
    weights.wIn.values.slice(),
    weights.bIn.values.slice(),
    transpose(weights.wOut.values, shape.outputSize, neurons),
  );
}
