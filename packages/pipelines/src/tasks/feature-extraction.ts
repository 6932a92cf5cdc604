import { assertFinite } from '../scores.js';
import { PipelineError } from '../errors.js';
import { FeatureTensor } from '../feature-tensor.js';
import { TextPipeline } from '../text-pipeline.js';

/** `none`: every token's vector; `mean`: their mean (padding excluded); `cls`: the first token's. */
export type Pooling = 'none' | 'mean' | 'cls';
export const POOLINGS: readonly Pooling[] = ['none', 'mean', 'cls'];

export interface FeatureExtractionOptions {
  /** Default `none`, as transformers.js. */
  pooling?: Pooling;
  /** Scale each vector to unit L2 norm. Default false. */
  normalize?: boolean;
}

/**
 * `feature-extraction`: the final hidden states as a tensor-like `{ dims, data, tolist() }`:
 * `[batch, tokens, hidden]` with pooling `none` (padded to the longest input, padding
 * positions zero), `[batch, hidden]` with `mean` or `cls`. A string is a batch of one.
 */
export class FeatureExtractionPipeline extends TextPipeline<[texts: string | readonly string[], options?: FeatureExtractionOptions], FeatureTensor> {
  async _call(texts: string | readonly string[], { pooling = 'none', normalize = false }: FeatureExtractionOptions = {}): Promise<FeatureTensor> {
    if (!POOLINGS.includes(pooling)) throw new PipelineError(`pooling must be one of ${POOLINGS.join(', ')}, got '${String(pooling)}'`);
    const h = this.model.config.hidden_size;
    const rows = await this.batched(typeof texts === 'string' ? [texts] : texts, async (_batch, encoded) => {
      const hidden = assertFinite(await this.model.hiddenStates(encoded));
      const width = encoded.inputIds[0].length;
      return encoded.inputIds.map((_, i) => {
        const tokens = Array.from({ length: encoded.lengths[i] }, (_, s) => hidden.subarray((i * width + s) * h, (i * width + s + 1) * h));
        if (pooling === 'none') return tokens.map((v) => (normalize ? unit(v) : v.slice()));
        const pooled = pooling === 'cls' ? tokens[0].slice() : mean(tokens, h);
        return [normalize ? unit(pooled) : pooled];
      });
    });
    const batch = rows.length;
    if (pooling !== 'none') {
      const data = new Float32Array(batch * h);
      rows.forEach(([v], b) => data.set(v, b * h));
      return new FeatureTensor(data, [batch, h]);
    }
    const longest = Math.max(...rows.map((r) => r.length));
    const data = new Float32Array(batch * longest * h);
    rows.forEach((tokens, b) => tokens.forEach((v, s) => data.set(v, (b * longest + s) * h)));
    return new FeatureTensor(data, [batch, longest, h]);
  }
}

function mean(vectors: readonly Float32Array[], h: number): Float32Array {
  const sum = new Float64Array(h);
  for (const v of vectors) for (let j = 0; j < h; j++) sum[j] += v[j];
  return Float32Array.from(sum, (v) => v / vectors.length);
}

function unit(v: Float32Array): Float32Array {
  let norm = 0;
  for (const x of v) norm += x * x;
  // A zero vector stays zero, as torch's normalize (eps 1e-12) leaves it.
  const scale = 1 / Math.max(Math.sqrt(norm), 1e-12);
  return Float32Array.from(v, (x) => x * scale);
}
