import { UfbertError } from '@ufbert/tensor';

/** Base class of every error @ufbert/training throws on purpose. */
export class TrainingError extends UfbertError {}

/** A training config is malformed; lists every problem found, not only the first. */
export class TrainingConfigError extends TrainingError {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    const noun = problems.length === 1 ? 'problem' : 'problems';
    super(`training config: ${problems.length} ${noun}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
  }
}

/** A corpus source is missing, unreadable, empty or not in the format its reader expects. */
export class CorpusError extends TrainingError {}

/** The output folder cannot be created or written, or holds a run that would be overwritten. */
export class OutputDirectoryError extends TrainingError {}

/** A checkpoint is missing, incomplete, or does not belong to this model, data or config. */
export class CheckpointError extends TrainingError {}

/** A tokenizer or model handed to the trainer does not keep the contract the trainer relies on. */
export class TrainingContractError extends TrainingError {}

/** A training step's loss came out NaN or infinite; names the step so the run can be inspected or resumed. */
export class NonFiniteLossError extends TrainingError {
  constructor(
    readonly step: number,
    readonly loss: number,
    detail: string,
  ) {
    super(`step ${step}: the loss is ${loss}, not a finite number; ${detail}`);
  }
}
