import { Rng, type RngState } from '@ufbert/tensor';
import { CheckpointError, TrainingConfigError } from './errors.js';
import { maskSequences, type MaskedBatch, type MaskingOptions } from './masking.js';
import type { PackedSequences } from './packing.js';
import { deriveSeed, derivedRng } from './seeds.js';
import type { MlmTokenizer } from './tokenizer.js';

/** Where a batch stream stands: the epoch and the next sequence within that epoch's order. */
export interface DataPosition {
  epoch: number;
  offset: number;
}

/** Everything a batch stream needs to continue exactly; JSON-serialisable. */
export interface BatchStreamState {
  position: DataPosition;
  maskingRng: RngState;
}

export interface BatchStreamOptions {
  microBatchSize: number;
  seed: number;
  masking?: MaskingOptions;
}

/**
 * Endless masked microbatches over the training sequences. Each epoch visits every sequence
 * once in an order shuffled from the seed and the epoch number; a microbatch that runs past
 * the end of an epoch continues into the next, so every microbatch is full. Masks come from a
 * seeded Rng whose state, with the position, is the stream's state.
 */
export class BatchStream {
  private readonly sequences: PackedSequences;
  private readonly tokenizer: MlmTokenizer;
  private readonly options: BatchStreamOptions;
  private readonly rng: Rng;
  private position: DataPosition = { epoch: 0, offset: 0 };
  private order: number[];

  constructor(sequences: PackedSequences, tokenizer: MlmTokenizer, options: BatchStreamOptions) {
    if (!Number.isInteger(options.microBatchSize) || options.microBatchSize < 1) {
      throw new TrainingConfigError([`microBatchSize must be a positive integer, got ${options.microBatchSize}`]);
    }
    if (sequences.count === 0) throw new TrainingConfigError(['there are no training sequences']);
    this.sequences = sequences;
    this.tokenizer = tokenizer;
    this.options = options;
    this.rng = new Rng(deriveSeed(options.seed, 'masking'));
    this.order = this.epochOrder(0);
  }

  /** The next microbatch, masked. */
  next(): MaskedBatch {
    const rows: number[] = [];
    while (rows.length < this.options.microBatchSize) {
      if (this.position.offset === this.order.length) {
        this.position = { epoch: this.position.epoch + 1, offset: 0 };
        this.order = this.epochOrder(this.position.epoch);
      }
      rows.push(this.order[this.position.offset]);
      this.position = { ...this.position, offset: this.position.offset + 1 };
    }
    return maskSequences(this.sequences, rows, this.tokenizer, this.rng, this.options.masking);
  }

  getState(): BatchStreamState {
    return { position: { ...this.position }, maskingRng: this.rng.getState() };
  }

  setState(state: BatchStreamState): void {
    const { epoch, offset } = state?.position ?? {};
    if (!Number.isInteger(epoch) || epoch < 0 || !Number.isInteger(offset) || offset < 0 || offset > this.sequences.count) {
      throw new CheckpointError(`data position must be {epoch >= 0, offset in [0, ${this.sequences.count}]}, got ${JSON.stringify(state?.position)}`);
    }
    this.rng.setState(state.maskingRng);
    this.position = { epoch, offset };
    this.order = this.epochOrder(epoch);
  }

  private epochOrder(epoch: number): number[] {
    return derivedRng(this.options.seed, `epoch-${epoch}`).shuffle(Array.from({ length: this.sequences.count }, (_, i) => i));
  }
}
