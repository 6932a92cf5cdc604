import { describeValue } from '../describe-value.js';
import { assertFinite } from '../scores.js';
import { PipelineError } from '../errors.js';
import { FeatureTensor } from '../feature-tensor.js';
import type { OptionTable } from '../options-check.js';
import { TextPipeline, type TextPipelineParts } from '../text-pipeline.js';
import { checkPooling, poolTokens, type Pooling } from './pooling.js';

export { POOLINGS, type Pooling } from './pooling.js';

export interface FeatureExtractionOptions {
  /** Default `none`, as transformers.js: every token's vector; `mean`, `cls` (`first_token`), `eos` (`last_token`). */
  pooling?: Pooling;
  /** Scale each vector to unit L2 norm. Default false. */
  normalize?: boolean;
  /** Cut an input longer than the model's window to it (default true) or refuse it (false). */
  truncation?: boolean;
}

/** The options a feature-extraction call (or its pipeline, for every call) takes. */
export const FEATURE_EXTRACTION_OPTIONS: OptionTable<FeatureExtractionOptions> = { pooling: true, normalize: true, truncation: true };

/**
 * `feature-extraction`: the final hidden states as a tensor-like `{ dims, data, tolist() }`:
 * `[batch, tokens, hidden]` with pooling `none` (padded to the longest input, padding
 * positions zero), `[batch, hidden]` pooled. A string is a batch of one.
 */
export class FeatureExtractionPipeline extends TextPipeline<[texts: string | readonly string[], options?: FeatureExtractionOptions], FeatureTensor> {
  constructor(parts: TextPipelineParts) {
    super(parts);
    if (parts.defaults.pooling !== undefined) checkPooling(parts.defaults.pooling);
    if (parts.defaults.normalize !== undefined) checkNormalize(parts.defaults.normalize);
  }

  async _call(texts: string | readonly string[], options?: FeatureExtractionOptions): Promise<FeatureTensor> {
    const { pooling: asked = 'none', normalize = false, truncation } = this.options(options, FEATURE_EXTRACTION_OPTIONS);
    const pooling = checkPooling(asked);
    checkNormalize(normalize);
    const h = this.model.config.hidden_size;
    const rows = await this.batched(this.textList(texts), truncation, async (_batch, encoded) => {
      const hidden = assertFinite(await this.model.hiddenStates(encoded));
      const width = encoded.inputIds[0].length;
      return encoded.inputIds.map((_, i) => {
        const tokens = Array.from({ length: encoded.lengths[i] }, (_, s) => hidden.subarray((i * width + s) * h, (i * width + s + 1) * h));
        if (pooling === 'none') return tokens.map((v) => (normalize ? unit(v) : v.slice()));
        const pooled = poolTokens(tokens, pooling, h);
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

function checkNormalize(normalize: unknown): void {
  if (typeof normalize !== 'boolean') throw new PipelineError(`normalize must be true or false, got ${describeValue(normalize)}`);
}

function unit(v: Float32Array): Float32Array {
  let norm = 0;
  for (const x of v) norm += x * x;
  // A zero vector stays zero, as torch's normalize (eps 1e-12) leaves it.
  const scale = 1 / Math.max(Math.sqrt(norm), 1e-12);
  return Float32Array.from(v, (x) => x * scale);
}
