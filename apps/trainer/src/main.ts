#!/usr/bin/env node
import { UfbertError } from '@ufbert/tensor';
import { formatUsageError, UsageError } from '@ufbert/tensor/node';
import { parseOptions, USAGE } from './options.js';
import { runTrainer } from './run.js';
import { runGlueCommand } from './glue-command.js';
import { OUTPUT_CLOSED_EXIT_CODE, OutputClosedError, stdoutPrinter } from './stdout-printer.js';

async function main(argv: string[]): Promise<number> {
  const print = stdoutPrinter();
  if (argv[0] === 'glue') {
    await runGlueCommand(argv.slice(1), print);
    return 0;
  }
  const options = parseOptions(argv);
  if (options === 'help') {
    print(USAGE);
    return 0;
  }
  const started = performance.now();
  await runTrainer(options, print);
  print(`done in ${((performance.now() - started) / 60000).toFixed(1)} min`);
  return 0;
}

// --debug may stand anywhere; it only changes how a failure is printed.
const args = process.argv.slice(2).filter((a) => a !== '--');
const debug = args.includes('--debug');
main(args.filter((a) => a !== '--debug')).then(
  (code) => process.exit(code),
  (error: unknown) => {
    // Nobody reads the output any more: nothing to say, and no one to say it to.
    if (error instanceof OutputClosedError && !debug) process.exit(OUTPUT_CLOSED_EXIT_CODE);
    // Usage errors exit 2, every other expected failure 1, each as one line; an
    // unexpected error, or any with --debug, shows its stack.
    if (error instanceof UsageError && !debug) console.error(formatUsageError('trainer', error));
    else if (error instanceof UfbertError && !debug) console.error(`trainer: ${error.message}`);
    else console.error(error);
    process.exit(error instanceof UsageError ? error.exitCode : 1);
  },
);
