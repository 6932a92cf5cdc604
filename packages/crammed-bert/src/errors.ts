import { UfbertError } from '@ufbert/tensor';

/** A problem report that lists every problem found, not only the first. */
abstract class ProblemListError extends UfbertError {
  readonly problems: readonly string[];

  constructor(subject: string, problems: readonly string[]) {
    const noun = problems.length === 1 ? 'problem' : 'problems';
    super(`${subject}: ${problems.length} ${noun}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
  }
}

/** A model config (model_config.json or a constructor argument) is malformed or asks for something unsupported. */
export class ConfigError extends ProblemListError {}

/** A checkpoint does not fit the model: unknown, missing or misshaped parameters, or unusable dtypes. */
export class CheckpointError extends ProblemListError {}

/** A tokenizer cannot be loaded, trained or used as asked. */
export class TokenizerError extends UfbertError {}

/** A model method was called on a model that cannot run it: disposed, or without the head it needs. */
export class ModelError extends UfbertError {}

/** A model folder (or its files' bytes) lacks a file it needs, or holds one that cannot be read as what its name says. */
export class ModelFolderError extends UfbertError {}

/** A batch handed to a runtime is not token ids the model can embed: ids outside the vocabulary, rows longer than the window, a malformed mask. */
export class TokenBatchError extends UfbertError {}
