import type { TextInput } from '@ufbert/crammed-bert';
import { PipelineError } from '../errors.js';
import { assertFinite, checkTopK, softmax, topIndices } from '../scores.js';
import { describeValue } from '../describe-value.js';
import type { OptionTable } from '../options-check.js';
import { TextPipeline, type TextPipelineParts } from '../text-pipeline.js';

export interface LabelScore {
  label: string;
  /** Softmax probability, or the raw output of a regression head (one label). */
  score: number;
}

/** A text pair, as transformers.js's text-classification takes one. */
export interface TextPair {
  text: string;
  text_pair: string;
}

export type ClassificationInput = string | TextPair;

export interface TextClassificationOptions {
  /** Labels per input, best first. Default 1; null for every label. */
  top_k?: number | null;
  /** Cut an input longer than the model's window to it (default true) or refuse it (false). */
  truncation?: boolean;
}

/** The options a text-classification call (or its pipeline, for every call) takes. */
export const TEXT_CLASSIFICATION_OPTIONS: OptionTable<TextClassificationOptions> = { top_k: true, truncation: true };

/**
 * `text-classification` (alias `sentiment-analysis`): label scores of texts or text pairs,
 * labels named by the config's `id2label` (or `LABEL_0`, `LABEL_1`, ...). Output shape as
 * transformers.js: with `top_k` 1 a flat list, one best label per input; otherwise a list
 * of labels for one input, one list per input for an array.
 */
export class TextClassificationPipeline extends TextPipeline<
  [texts: ClassificationInput | readonly ClassificationInput[], options?: TextClassificationOptions],
  LabelScore[] | LabelScore[][]
> {
  private readonly labels: readonly string[];

  constructor(parts: TextPipelineParts) {
    super(parts);
    const numLabels = parts.runtime.config.num_labels;
    if (numLabels === null)
      throw new PipelineError('text-classification needs a classification head; this model is a masked-language model (num_labels is null)');
    if (parts.defaults.top_k !== undefined) checkTopK(parts.defaults.top_k, true);
    if (parts.id2label && parts.id2label.length !== numLabels)
      throw new PipelineError(`expected ${numLabels} label names for this head, got ${parts.id2label.length} (${parts.id2label.join(', ')})`);
    this.labels = parts.id2label ?? Array.from({ length: numLabels }, (_, i) => (numLabels === 1 ? 'score' : `LABEL_${i}`));
  }

  async _call(texts: ClassificationInput | readonly ClassificationInput[], options?: TextClassificationOptions): Promise<LabelScore[] | LabelScore[][]> {
    const { top_k = 1, truncation } = this.options(options, TEXT_CLASSIFICATION_OPTIONS);
    checkTopK(top_k, true);
    const numLabels = this.labels.length;
    const k = Math.min(top_k ?? numLabels, numLabels);
    const inputs: TextInput[] = (Array.isArray(texts) ? (texts as readonly ClassificationInput[]) : [texts as ClassificationInput]).map(toTextInput);
    const results = await this.batched(inputs, truncation, async (_batch, encoded) => {
      const logits = await this.model.classificationLogits(encoded);
      return encoded.inputIds.map((_, i) => {
        const raw = logits.subarray(i * numLabels, (i + 1) * numLabels);
        const scores = numLabels === 1 ? assertFinite(raw) : softmax(raw);
        return topIndices(scores, k).map((j) => ({ label: this.labels[j], score: scores[j] }));
      });
    });
    if (top_k === 1) return results.flat();
    return Array.isArray(texts) ? results : results[0];
  }
}

function toTextInput(input: ClassificationInput): TextInput {
  if (typeof input === 'string') return input;
  if (input !== null && typeof input === 'object' && typeof input.text === 'string' && typeof input.text_pair === 'string')
    return [input.text, input.text_pair];
  const keys = input !== null && typeof input === 'object' && !Array.isArray(input) ? ` with keys ${Object.keys(input).join(', ') || 'none'}` : '';
  throw new PipelineError(`expected a text or { text, text_pair } of strings, got ${describeValue(input)}${keys}`);
}
