import { hasOwnEntry } from '@ufbert/tensor';
import { describeValue } from '../describe-value.js';
import { PipelineError } from '../errors.js';

/**
 * How feature-extraction pools a text's token vectors, by transformers.js's names: `none`
 * (every token's vector), `mean` (padding excluded), `cls` or `first_token` (the first token's),
 * `eos` or `last_token` (the last token's, the closing [SEP]).
 */
export type Pooling = 'none' | 'mean' | 'cls' | 'first_token' | 'eos' | 'last_token';

const POOLING_TABLE: { readonly [P in Pooling]: true } = { none: true, mean: true, cls: true, first_token: true, eos: true, last_token: true };
export const POOLINGS: readonly Pooling[] = Object.keys(POOLING_TABLE) as Pooling[];

/** `value` as a Pooling; a PipelineError listing them for anything else (`toString` included). */
export function checkPooling(value: unknown): Pooling {
  if (hasOwnEntry(POOLING_TABLE, value)) return value;
  throw new PipelineError(`pooling must be one of ${POOLINGS.join(', ')}, got ${describeValue(value)}`);
}

/** The pooled vector of one text's token vectors (at least one). */
export function poolTokens(tokens: readonly Float32Array[], pooling: Exclude<Pooling, 'none'>, hidden: number): Float32Array {
  switch (pooling) {
    case 'mean':
      return mean(tokens, hidden);
    case 'cls':
    case 'first_token':
      return tokens[0].slice();
    case 'eos':
    case 'last_token':
      return tokens[tokens.length - 1].slice();
  }
}

function mean(vectors: readonly Float32Array[], h: number): Float32Array {
  const sum = new Float64Array(h);
  for (const v of vectors) for (let j = 0; j < h; j++) sum[j] += v[j];
  return Float32Array.from(sum, (v) => v / vectors.length);
}
