import { PreparedBase } from '../../prepared.js';
import { nodesPerTree } from '../../tree.js';
import type { ConditionalShape } from '../../types.js';
import { checkConditionalShape } from '../../validate.js';

/** Training kernels hold no weights (they change every step): only the checked geometry. */
export class TsTrainingPrepared extends PreparedBase<ConditionalShape> {
  readonly neurons: number;
  readonly nodesPerTree: number;

  constructor(shape: ConditionalShape, owner: string) {
    const neurons = checkConditionalShape(shape);
    super({ ...shape }, owner);
    this.neurons = neurons;
    this.nodesPerTree = nodesPerTree(shape.depth);
  }
}
