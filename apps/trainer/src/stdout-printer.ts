import { UfbertError } from '@ufbert/tensor';

/** The reader of the trainer's stdout went away (`trainer | head`): the run stops, unwinding (its lock released), and exits quietly. */
export class OutputClosedError extends UfbertError {}

/** The exit status of a process ended by SIGPIPE (128 + 13), what `trainer | head` shows under `set -o pipefail`, as for any Unix tool. */
export const OUTPUT_CLOSED_EXIT_CODE = 141;

/**
 * A `print` to `stream` that throws OutputClosedError once the stream's reader is gone. Node
 * reports a closed pipe as an 'error' event (EPIPE) on the stream; unhandled, it ends the
 * process at once with a raw stack and exit status 7, before any `finally` can release the
 * output folder's lock. Listening turns it into an error thrown at the next print, which
 * unwinds the run like any other failure.
 */
export function stdoutPrinter(stream: NodeJS.WritableStream = process.stdout): (line: string) => void {
  let closed = false;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    closed = true;
  });
  return (line) => {
    // The 'error' event waits for the event loop, which a long computation may not turn for minutes (tfjs's cpu
    // backend resolves its promises as microtasks); a write that met the closed pipe has already made the stream
    // unwritable, so that is checked too.
    if (closed || !stream.writable) throw new OutputClosedError('stdout was closed by its reader; the run stopped');
    stream.write(`${line}\n`);
  };
}
