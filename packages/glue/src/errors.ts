import { UfbertError } from '@ufbert/tensor';

/** Base class of every error @ufbert/glue throws on purpose; a UfbertError like every package's. */
export class GlueError extends UfbertError {}

/** A line of a task file is not in the layout its task expects. */
export class GlueFormatError extends GlueError {
  constructor(
    /** The file (or other source name) the line came from. */
    readonly file: string,
    /** 1-based line number. */
    readonly line: number,
    /** What was wrong: `expected ..., got ...`. */
    readonly problem: string,
  ) {
    super(`${file}:${line}: ${problem}`);
  }
}

/** Predictions and labels handed to a metric cannot be scored (lengths differ, values are not classes, ...). */
export class MetricInputError extends GlueError {}
