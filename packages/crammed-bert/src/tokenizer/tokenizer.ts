import { Tokenizer, type HfTokenizer } from './hf-tokenizers.js';
import { TokenizerError } from '../errors.js';
import { findSpecialTokens, specialTokenConfig, type SpecialTokens } from './special-tokens.js';
import { useRustComponents } from './rust-components.js';
import type { TokenizerJson } from './tokenizer-json.js';

/** One text, or a pair of texts (sentence-pair tasks). */
export type TextInput = string | readonly [string, string];

export interface Encoding {
  ids: number[];
  tokens: string[];
}

export interface EncodeOptions {
  /** Add the post-processor's special tokens ([CLS] ... [SEP]). Default true. */
  addSpecialTokens?: boolean;
}

export interface BatchEncoding {
  /** [B, S] token ids, padded with the pad token to the longest sequence. */
  inputIds: number[][];
  /** [B, S], 1 for a token, 0 for padding. */
  attentionMask: number[][];
  /** Unpadded length of each sequence. */
  lengths: number[];
  /** Length of each sequence before maxLength cut it: above `lengths[i]` where tokens were dropped. */
  fullLengths: number[];
}

export interface EncodeBatchOptions extends EncodeOptions {
  /** Longer sequences are cut to this many tokens, keeping a closing special token (such as [SEP]). */
  maxLength?: number;
}

/**
 * A Hugging Face tokenizer.json, run by @huggingface/tokenizers, with its special tokens
 * (pad, unk, cls, sep, mask) found by role whatever they are called, and batch encoding
 * with padding masks.
 */
export class TextTokenizer {
  readonly json: TokenizerJson;
  readonly specialTokens: SpecialTokens;
  /** max id + 1 over the vocabulary and added tokens. */
  readonly vocabSize: number;
  private readonly tokenizer: HfTokenizer;
  private readonly config: Record<string, unknown>;

  private constructor(json: TokenizerJson, config: Record<string, unknown>) {
    this.json = json;
    this.config = config;
    try {
      this.tokenizer = new Tokenizer(json, config);
    } catch (error) {
      throw new TokenizerError(`@huggingface/tokenizers cannot load this tokenizer.json: ${(error as Error).message}`);
    }
    useRustComponents(this.tokenizer, json);
    const vocab = this.tokenizer.get_vocab(true);
    let maxId = -1;
    for (const id of vocab.values()) maxId = Math.max(maxId, id);
    this.vocabSize = maxId + 1;
    this.specialTokens = findSpecialTokens(json, vocab, config);
  }

  /** From tokenizer.json contents and, optionally, tokenizer_config.json and special_tokens_map.json contents. */
  static fromJSON(json: unknown, config: Record<string, unknown> = {}, specialTokensMap: Record<string, unknown> = {}): TextTokenizer {
    if (!json || typeof json !== 'object' || typeof (json as TokenizerJson).model !== 'object' || (json as TokenizerJson).model === null) {
      throw new TokenizerError('a tokenizer.json must be an object with a "model" entry');
    }
    // The library requires every component key; a tokenizer.json may leave some out.
    const given = json as Partial<TokenizerJson>;
    const complete: TokenizerJson = {
      ...(given as TokenizerJson),
      added_tokens: given.added_tokens ?? [],
      normalizer: given.normalizer ?? null,
      pre_tokenizer: given.pre_tokenizer ?? null,
      post_processor: given.post_processor ?? null,
      decoder: given.decoder ?? null,
    };
    return new TextTokenizer(complete, specialTokenConfig(config, specialTokensMap));
  }

  /** tokenizer.json's text, as a folder holds it. */
  toJSONText(): string {
    return `${JSON.stringify(this.json, null, 2)}\n`;
  }

  encode(input: TextInput, options: EncodeOptions = {}): Encoding {
    const [text, pair] = typeof input === 'string' ? [input, null] : input;
    const { ids, tokens } = this.tokenizer.encode(text, { text_pair: pair, add_special_tokens: options.addSpecialTokens ?? true });
    return { ids, tokens };
  }

  /** Encodes and pads a batch; padding uses the pad token (id 0 when the tokenizer has none). */
  encodeBatch(inputs: readonly TextInput[], options: EncodeBatchOptions = {}): BatchEncoding {
    const { maxLength } = options;
    if (maxLength !== undefined && (!Number.isSafeInteger(maxLength) || maxLength < 1))
      throw new TokenizerError(`maxLength must be a positive integer, got ${maxLength}`);
    const specialIds = new Set(Object.values(this.specialTokens).map((t) => t.id));
    const fullLengths: number[] = [];
    const sequences = inputs.map((input) => {
      const { ids } = this.encode(input, options);
      fullLengths.push(ids.length);
      if (maxLength === undefined || ids.length <= maxLength) return ids;
      const last = ids[ids.length - 1];
      return specialIds.has(last) && maxLength > 1 ? [...ids.slice(0, maxLength - 1), last] : ids.slice(0, maxLength);
    });
    const width = Math.max(0, ...sequences.map((s) => s.length));
    const pad = this.specialTokens.pad?.id ?? 0;
    return {
      inputIds: sequences.map((s) => [...s, ...new Array<number>(width - s.length).fill(pad)]),
      attentionMask: sequences.map((s) => [...new Array<number>(s.length).fill(1), ...new Array<number>(width - s.length).fill(0)]),
      lengths: sequences.map((s) => s.length),
      fullLengths,
    };
  }

  decode(ids: readonly number[], options: { skipSpecialTokens?: boolean } = {}): string {
    if (ids.length === 0) return '';
    return this.tokenizer.decode([...ids], { skip_special_tokens: options.skipSpecialTokens ?? false });
  }

  tokenToId(token: string): number | undefined {
    return this.tokenizer.token_to_id(token);
  }

  idToToken(id: number): string | undefined {
    return this.tokenizer.id_to_token(id);
  }

  /** tokenizer_config.json's contents, as loaded ({} when there was none). */
  get tokenizerConfig(): Readonly<Record<string, unknown>> {
    return this.config;
  }
}
