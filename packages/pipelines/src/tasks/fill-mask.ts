import { PipelineError } from '../errors.js';
import { excerpt } from '@ufbert/tensor';
import { checkTopK, softmax, topIndices } from '../scores.js';
import type { OptionTable } from '../options-check.js';
import { TextPipeline, type TextPipelineParts } from '../text-pipeline.js';

/** One candidate for a mask, in transformers.js's fields. */
export interface FillMaskCandidate {
  /** Softmax probability over the whole vocabulary. */
  score: number;
  /** The token's id. */
  token: number;
  /** The token as text. */
  token_str: string;
  /** The input with this mask filled in (special tokens removed). */
  sequence: string;
}

/** The candidates for an input's one mask, or per mask for an input with several. */
export type FillMaskResult = FillMaskCandidate[] | FillMaskCandidate[][];

export interface FillMaskOptions {
  /** Candidates per mask. Default 5. */
  top_k?: number;
  /** Cut an input longer than the model's window to it (default true) or refuse it (false). A mask cut off is an error. */
  truncation?: boolean;
}

/** The options a fill-mask call (or its pipeline, for every call) takes. */
export const FILL_MASK_OPTIONS: OptionTable<FillMaskOptions> = { top_k: true, truncation: true };

/**
 * Mask spellings of other tokenizers (BERT's, the published UltraFastBERT's). Only the model's own mask token
 * is a mask, as in transformers.js; another one in the input is refused, since its tokenizer would spell it as
 * ordinary text (`<mask>` as `<`, `m`, ...) and the model would be asked about no mask, or the wrong one.
 */
const OTHER_MASK_SPELLINGS = ['[MASK]', '<mask>'];

/**
 * `fill-mask`: the most likely tokens for each mask of a text, never a special token
 * (`[CLS]`, `[MASK]`, padding, ...). A string gives its result, an array one result per text.
 */
export class FillMaskPipeline extends TextPipeline<[texts: string | readonly string[], options?: FillMaskOptions], FillMaskResult | FillMaskResult[]> {
  private readonly specialIds: ReadonlySet<number>;

  constructor(parts: TextPipelineParts) {
    super(parts);
    if (parts.runtime.config.num_labels !== null)
      throw new PipelineError('fill-mask needs a masked-language model; this one has a classification head (use text-classification)');
    if (!parts.tokenizer.specialTokens.mask) throw new PipelineError('fill-mask needs a tokenizer with a mask token; this one has none');
    if (parts.defaults.top_k !== undefined) checkTopK(parts.defaults.top_k, false);
    const added = parts.tokenizer.json.added_tokens.filter((t) => t.special).map((t) => t.id);
    this.specialIds = new Set([...Object.values(parts.tokenizer.specialTokens).map((t) => t.id), ...added]);
  }

  async _call(texts: string, options?: FillMaskOptions): Promise<FillMaskResult>;
  async _call(texts: readonly string[], options?: FillMaskOptions): Promise<FillMaskResult[]>;
  async _call(texts: string | readonly string[], options?: FillMaskOptions): Promise<FillMaskResult | FillMaskResult[]>;
  async _call(texts: string | readonly string[], options?: FillMaskOptions): Promise<FillMaskResult | FillMaskResult[]> {
    const { top_k = 5, truncation } = this.options(options, FILL_MASK_OPTIONS);
    checkTopK(top_k, false);
    const mask = this.tokenizer.specialTokens.mask!;
    const vocab = this.model.config.embedding.vocab_size;
    const k = Math.min(top_k, vocab - this.specialIds.size);
    const inputs = this.textList(texts);
    for (const text of inputs) {
      const foreign = OTHER_MASK_SPELLINGS.find((spelling) => spelling !== mask.token && text.includes(spelling));
      if (foreign)
        throw new PipelineError(`"${excerpt(text)}" writes the mask as ${foreign}, but this model's mask token is ${mask.token}: write ${mask.token}`);
    }
    const results = await this.batched(inputs, truncation, async (batch, encoded) => {
      const positions = encoded.inputIds.map((ids, i) => {
        const found = ids.flatMap((id, s) => (id === mask.id && encoded.attentionMask[i][s] === 1 ? [s] : []));
        if (found.length === 0) throw new PipelineError(`expected ${mask.token} within the first ${ids.length} tokens of "${excerpt(batch[i])}", found none`);
        if (encoded.fullLengths[i] > encoded.lengths[i]) {
          // Truncated: a mask cut off would silently get no answer.
          const asked = this.tokenizer.encode(batch[i]).ids.filter((id) => id === mask.id).length;
          if (asked > found.length)
            throw new PipelineError(
              `${asked - found.length} of ${asked} ${mask.token} in "${excerpt(batch[i])}" lie beyond the model's window of ${encoded.lengths[i]} tokens`,
            );
        }
        return found;
      });
      const width = encoded.inputIds[0].length;
      const logits = await this.model.maskedLogits(
        encoded,
        positions.flatMap((list, i) => list.map((s) => i * width + s)),
      );
      let row = 0;
      return positions.map((list, i): FillMaskResult => {
        const perMask = list.map((s) => {
          const probs = softmax(logits.subarray(row * vocab, (row + 1) * vocab));
          row++;
          return topIndices(probs, k, this.specialIds).map((id) => {
            const filled = encoded.inputIds[i].slice(0, encoded.lengths[i]);
            filled[s] = id;
            return {
              score: probs[id],
              token: id,
              token_str: this.tokenizer.decode([id]),
              sequence: this.tokenizer.decode(filled, { skipSpecialTokens: true }),
            };
          });
        });
        return perMask.length === 1 ? perMask[0] : perMask;
      });
    });
    return typeof texts === 'string' ? results[0] : results;
  }
}
