import { formatUsageError, UsageError } from '@ufbert/tensor/node';
import { parseCli, USAGE } from './cli.js';
import { runBench } from './run.js';

try {
  const options = parseCli(process.argv.slice(2));
  if (!options) {
    console.log(USAGE);
  } else {
    options.log = (line) => console.log(line);
    const { result, failures } = await runBench(options);
    const failed = result.checks.filter((c) => !c.ok);
    if (failed.length) console.error(`${failed.length} output check(s) failed: ${failed.map((c) => c.what).join('; ')}`);
    if (failures.length) console.error(`${failures.length} suite(s) failed: ${failures.join('; ')}`);
    if (failed.length || failures.length) process.exitCode = 1;
  }
} catch (err) {
  if (err instanceof UsageError) {
    console.error(formatUsageError('bench', err));
    process.exitCode = err.exitCode;
  } else {
    throw err;
  }
}
