import { AppendFile, FILE_LIMITS, FileLayerError, readTextSync, writeFileAtomic } from '@ufbert/tensor/node';

/** One optimiser step, as logged. */
export interface StepRecord {
  kind: 'step';
  step: number;
  /** Mean MLM loss over the step's microbatches (nats). */
  loss: number;
  learningRate: number;
  /** Sequences in the step (microbatch size times accumulation steps). */
  batchSize: number;
  /** Non-padding tokens trained on so far. */
  tokens: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
  /** Seconds of training so far, across resumes. */
  elapsed: number;
}

/** A validation pass, as logged. */
export interface ValidationRecord {
  kind: 'validation';
  step: number;
  loss: number;
  /** Sequences evaluated. */
  sequences: number;
  elapsed: number;
}

export type TrainingLogRecord = StepRecord | ValidationRecord;

/** The records of a JSONL training log; none when there is no log yet. */
export function readTrainingLog(path: string): TrainingLogRecord[] {
  let text: string;
  try {
    text = readTextSync(path, { what: 'training log', maxBytes: FILE_LIMITS.text });
  } catch (error) {
    if (error instanceof FileLayerError && error.reason === 'missing') return [];
    throw error;
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as TrainingLogRecord];
      } catch {
        // A line cut short by a killed process is the only way a line is malformed; it is dropped.
        return [];
      }
    });
}

/**
 * The JSONL log of a run: one line per step and per validation pass, each written through to
 * the file as it happens so a killed run loses nothing it logged.
 */
export class TrainingLog {
  readonly path: string;
  private readonly file: AppendFile;

  private constructor(path: string) {
    this.path = path;
    this.file = AppendFile.open(path, { what: 'training log' });
  }

  /** A fresh log (any old file is replaced). */
  static async create(path: string): Promise<TrainingLog> {
    await writeFileAtomic(path, '');
    return new TrainingLog(path);
  }

  /**
   * Continues a log after a resume from `step`: records past that step (from the killed run)
   * are dropped first, and so is a validation pass at `step` itself, which the resumed run
   * computes again rather than reporting a number from another process.
   */
  static async continueFrom(path: string, step: number): Promise<TrainingLog> {
    const kept = readTrainingLog(path).filter((record) => record.step < step || (record.step === step && record.kind === 'step'));
    await writeFileAtomic(path, kept.map((record) => `${JSON.stringify(record)}\n`).join(''));
    return new TrainingLog(path);
  }

  append(record: TrainingLogRecord): void {
    this.file.append(`${JSON.stringify(record)}\n`);
  }

  close(): void {
    this.file.close();
  }
}
