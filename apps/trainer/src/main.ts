#!/usr/bin/env node
import { UfbertError } from '@ufbert/tensor';
import { parseOptions, USAGE } from './options.js';
import { runTrainer } from './run.js';
import { runGlueCommand } from './glue-command.js';

async function main(): Promise<number> {
  const argv = process.argv.slice(2).filter((a) => a !== '--');
  const print = (line: string) => process.stdout.write(`${line}\n`);
  if (argv[0] === 'glue') {
    await runGlueCommand(argv.slice(1), print);
    return 0;
  }
  const options = parseOptions(argv);
  if (options === 'help') {
    console.log(USAGE);
    return 0;
  }
  const started = performance.now();
  await runTrainer(options, print);
  console.log(`done in ${((performance.now() - started) / 60000).toFixed(1)} min`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    if (error instanceof UfbertError) {
      console.error(`trainer: ${error.message}`);
      process.exit(1);
    }
    console.error(error);
    process.exit(1);
  },
);
