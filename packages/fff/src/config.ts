import { UfbertError } from '@ufbert/tensor';
// The kernels' own tree size and depth limit: a layer must never accept a depth they refuse.
import { MAX_DEPTH, nodesPerTree } from '@ufbert/cmm';

/** Shape of an FFF layer, named as the reference's constructor arguments. */
export interface FFFConfig {
  /** H: width of the input. */
  inputWidth: number;
  /** O: width of the output (may differ from H). */
  outputWidth: number;
  /** d: each tree has 2^(d+1) - 1 nodes; a token visits d + 1 of them. */
  depth: number;
  /** k: number of trees run side by side and summed. */
  trees: number;
}

/** A config that is not a valid FFF. */
export class FFFConfigError extends UfbertError {}

/** N = k (2^(d+1) - 1), the number of neurons of the layer. */
export function neuronCount(config: Pick<FFFConfig, 'depth' | 'trees'>): number {
  return config.trees * nodesPerTree(config.depth);
}

export function validateConfig(config: FFFConfig): FFFConfig {
  const check = (name: keyof FFFConfig, min: number, max = Number.MAX_SAFE_INTEGER) => {
    const v = config[name];
    if (!Number.isInteger(v) || v < min || v > max) {
      throw new FFFConfigError(`FFF ${name} must be an integer in [${min}, ${max}], got ${String(v)}`);
    }
  };
  check('inputWidth', 1);
  check('outputWidth', 1);
  check('depth', 0, MAX_DEPTH);
  check('trees', 1);
  return config;
}

/** The reference's parameter shapes: linear_in.weight [N,H], linear_in.bias [N], linear_out.weight [O,N]. */
export function parameterShapes(config: FFFConfig): Record<'linear_in.weight' | 'linear_in.bias' | 'linear_out.weight', number[]> {
  const n = neuronCount(config);
  return {
    'linear_in.weight': [n, config.inputWidth],
    'linear_in.bias': [n],
    'linear_out.weight': [config.outputWidth, n],
  };
}
