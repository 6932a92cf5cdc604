import { PreparedBase } from '../../prepared.js';
import { nodesPerTree } from '../../tree.js';
import type { ConditionalShape } from '../../types.js';
import { checkConditionalShape } from '../../validate.js';
import { wasmInstance, type WasmInstance } from '../../wasm/wasm-instance.js';
import { padded } from './copy.js';

/** Geometry of the WASM training kernels; their buffers are runtime scratch, reused from call to call. */
export class WasmTrainingPrepared extends PreparedBase<ConditionalShape> {
  readonly runtime: WasmInstance;
  readonly neurons: number;
  readonly nodesPerTree: number;
  readonly visits: number;
  /** floats per padded row of width H and of width O */
  readonly hp: number;
  readonly op: number;

  constructor(shape: ConditionalShape, owner: string) {
    const neurons = checkConditionalShape(shape);
    super({ ...shape }, owner);
    this.runtime = wasmInstance();
    this.neurons = neurons;
    this.nodesPerTree = nodesPerTree(shape.depth);
    this.visits = shape.trees * (shape.depth + 1);
    this.hp = padded(shape.inputSize);
    this.op = padded(shape.outputSize);
  }
}
