import type { CorpusDocument } from './corpus/document.js';
import { TrainingConfigError, TrainingContractError } from './errors.js';
import type { MlmTokenizer } from './tokenizer.js';

/**
 * Fixed-length token sequences, row-major in one Int32Array. Each is
 * `[CLS] tokens... [SEP]`, padded with [PAD] after `lengths[i]` tokens.
 */
export interface PackedSequences {
  readonly sequenceLength: number;
  readonly count: number;
  /** `count * sequenceLength` token ids. */
  readonly ids: Int32Array;
  /** Tokens before the padding, [CLS] and [SEP] included. */
  readonly lengths: Int32Array;
}

export interface PackOptions {
  /** Tokens per sequence, [CLS] and [SEP] included. Default 128. */
  sequenceLength?: number;
}

/**
 * Packs documents into sequences the way crammedBERT pretrains: the documents' tokens form
 * one stream with a [SEP] after each document, the stream is cut into pieces of
 * `sequenceLength - 2` tokens, and each piece becomes `[CLS] piece [SEP]`. Only the last
 * sequence can be short (padded). Documents are encoded paragraph by paragraph, so a long
 * file never reaches the tokenizer in one piece.
 */
export function packSequences(documents: Iterable<CorpusDocument>, tokenizer: MlmTokenizer, options: PackOptions = {}): PackedSequences {
  const sequenceLength = options.sequenceLength ?? 128;
  if (!Number.isInteger(sequenceLength) || sequenceLength < 3) {
    throw new TrainingConfigError([`sequenceLength must be an integer >= 3 ([CLS], one token, [SEP]), got ${sequenceLength}`]);
  }
  const { cls, sep, pad } = tokenizer.specialIds;
  const body = sequenceLength - 2;
  const rows: Int32Array[] = [];
  const lengths: number[] = [];
  let piece = new Int32Array(body);
  let filled = 0;
  const emit = (): void => {
    const row = new Int32Array(sequenceLength).fill(pad);
    row[0] = cls;
    row.set(piece.subarray(0, filled), 1);
    row[filled + 1] = sep;
    rows.push(row);
    lengths.push(filled + 2);
    piece = new Int32Array(body);
    filled = 0;
  };
  const push = (id: number): void => {
    piece[filled++] = id;
    if (filled === body) emit();
  };
  for (const document of documents) {
    for (const paragraph of document.text.split(/\n\s*\n/)) {
      if (paragraph.trim() === '') continue;
      for (const id of tokenizer.encode(paragraph)) {
        if (!Number.isInteger(id) || id < 0 || id >= tokenizer.vocabSize) {
          throw new TrainingContractError(
            `tokenizer.encode gave id ${id} for ${document.source} ${document.id}, outside the vocabulary [0, ${tokenizer.vocabSize})`,
          );
        }
        push(id);
      }
    }
    push(sep);
  }
  // A trailing [SEP] alone carries no text; anything more is kept as a padded sequence.
  if (filled > 1 || (filled === 1 && piece[0] !== sep)) emit();
  const ids = new Int32Array(rows.length * sequenceLength);
  rows.forEach((row, i) => ids.set(row, i * sequenceLength));
  return { sequenceLength, count: rows.length, ids, lengths: Int32Array.from(lengths) };
}

/** The sequences at `indices`, in that order. */
export function selectSequences(packed: PackedSequences, indices: readonly number[]): PackedSequences {
  const { sequenceLength } = packed;
  const ids = new Int32Array(indices.length * sequenceLength);
  const lengths = new Int32Array(indices.length);
  indices.forEach((index, row) => {
    ids.set(packed.ids.subarray(index * sequenceLength, (index + 1) * sequenceLength), row * sequenceLength);
    lengths[row] = packed.lengths[index];
  });
  return { sequenceLength, count: indices.length, ids, lengths };
}

/** FNV-1a over the ids and lengths: tells a resumed run whether its data is the data it was trained on. */
export function fingerprintSequences(packed: PackedSequences): string {
  let hash = 0x811c9dc5;
  const mix = (value: number): void => {
    for (let shift = 0; shift < 32; shift += 8) {
      hash ^= (value >>> shift) & 0xff;
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
  };
  mix(packed.sequenceLength);
  mix(packed.count);
  for (const id of packed.ids) mix(id);
  for (const length of packed.lengths) mix(length);
  return hash.toString(16).padStart(8, '0');
}
