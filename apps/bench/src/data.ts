import { nodesPerTree, type ConditionalShape, type ConditionalWeights, type DenseShape, type DenseWeights } from '@ufbert/cmm';
import { Rng } from '@ufbert/tensor';

/**
 * Random layers and inputs. Timings do not depend on the values (the conditional
 * kernels walk one path per tree whatever the logits), so plain normals do:
 * weights scaled by 1/sqrt(fan-in) keep the logits of order one.
 */
export class BenchData {
  private readonly rng: Rng;

  constructor(seed: number) {
    this.rng = new Rng(seed);
  }

  normal(count: number, std: number): Float32Array {
    return this.rng.fillNormal(new Float32Array(count), 0, std);
  }

  /** [batch, width] standard normals. */
  inputs(batch: number, width: number): Float32Array {
    return this.normal(batch * width, 1);
  }

  conditional(shape: ConditionalShape): ConditionalWeights {
    const n = shape.trees * nodesPerTree(shape.depth);
    const { inputSize: h, outputSize: o } = shape;
    return {
      wIn: { values: this.normal(n * h, 1 / Math.sqrt(h)), shape: [n, h] },
      bIn: { values: this.normal(n, 0.1), shape: [n] },
      wOut: { values: this.normal(o * n, 1 / Math.sqrt(shape.trees * (shape.depth + 1))), shape: [o, n] },
    };
  }

  /** crammedBERT's feedforward has no biases (use_bias: false). */
  dense(shape: DenseShape): DenseWeights {
    const { inputSize: h, hiddenSize: m, outputSize: o } = shape;
    return {
      wIn: { values: this.normal(m * h, 1 / Math.sqrt(h)), shape: [m, h] },
      wOut: { values: this.normal(o * m, 1 / Math.sqrt(m)), shape: [o, m] },
    };
  }

  /** Token ids in [0, vocab). */
  tokenIds(count: number, vocab: number): Int32Array {
    const ids = new Int32Array(count);
    for (let i = 0; i < count; i++) ids[i] = this.rng.int(vocab);
    return ids;
  }
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new RangeError(`cannot compare outputs of ${a.length} and ${b.length} values`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= worst)) worst = d;
  }
  return worst;
}

export function maxAbs(a: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]));
  return worst;
}
