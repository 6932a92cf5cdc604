// Starts writeFileAtomic (from the built package) with contents that never end, and prints
// "writing" once the temporary file exists, so a test can kill it mid-write with SIGKILL.
// Usage: node killed-write.mjs <file>
import { writeFileAtomic } from '../../../dist/node/index.js';

const [file] = process.argv.slice(2);
function* endless() {
  yield new Uint8Array(1024).fill(1);
  console.log('writing');
  // Blocks the thread for good without spinning: the test kills the process here.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
}
await writeFileAtomic(file, endless());
