// Replaces a folder with version A, then B, then A ... through writeFolderAtomic (from the
// built package), as fast as it can, until killed. Prints "ready" once both versions exist.
// Usage: node folder-writer.mjs <folder>
import { writeFolderAtomic } from '../../../dist/node/index.js';

const [folder] = process.argv.slice(2);
// Both files differ between versions and are large enough that a read takes a while.
const versions = ['a', 'b'].map((v) => ({ 'config.json': JSON.stringify({ version: v }), 'weights.bin': new Uint8Array(256 * 1024).fill(v.charCodeAt(0)) }));
for (let i = 0; ; i++) {
  await writeFolderAtomic(folder, versions[i % 2], { kind: 'race-test' });
  if (i === 1) console.log('ready');
}
