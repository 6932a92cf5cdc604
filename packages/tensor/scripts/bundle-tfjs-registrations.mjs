// tfjs-core registers neither its gradients nor the chained Tensor methods (x.sum(), ...)
// itself: its dist/register_all_gradients.js and dist/public/chained_ops/register_all_chained_ops.js
// do, as ES modules with extensionless relative imports, which bundlers resolve and Node does
// not. For Node this bundles those two files (and the tfjs-core internals they reach) into
// dist/tfjs-registrations.node.js, which src/tf.ts loads through the "#tfjs-registrations"
// import of package.json; bundlers take src/tfjs-registrations.ts, which imports the
// originals. The bundled internals register into tfjs-core's global engine, gradient
// registry and Tensor class, the same ones the user's tfjs-core uses. Skips the bundle
// when tfjs-core's and rolldown's versions and this script have not changed; writes
// through a temporary file, so an interrupted build never leaves half a bundle behind.
import { build } from 'rolldown';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outFile = join(root, 'dist', 'tfjs-registrations.node.js');
const require = createRequire(join(root, 'package.json'));
const tfjsCoreDir = dirname(require.resolve('@tensorflow/tfjs-core/package.json'));
const { version } = JSON.parse(readFileSync(join(tfjsCoreDir, 'package.json'), 'utf8'));

const rolldownVersion = JSON.parse(readFileSync(require.resolve('rolldown/package.json'), 'utf8')).version;
const stamp = createHash('sha256')
  .update(version)
  .update(rolldownVersion)
  .update(readFileSync(fileURLToPath(import.meta.url)))
  .digest('hex')
  .slice(0, 16);
const header = `// Gradients and chained Tensor methods of @tensorflow/tfjs-core ${version} (Apache-2.0), bundled for Node by scripts/bundle-tfjs-registrations.mjs (${stamp}).\n`;
const ENTRY = '\0ufbert-tfjs-registrations';
const entrySource = ['register_all_gradients.js', 'public/chained_ops/register_all_chained_ops.js']
  .map((file) => `import ${JSON.stringify(join(tfjsCoreDir, 'dist', file))};`)
  .join('\n');

if (existsSync(outFile) && readFileSync(outFile, 'utf8').startsWith(header)) {
  console.log(`bundle-tfjs-registrations: up to date (tfjs-core ${version})`);
} else {
  const result = await build({
    input: ENTRY,
    plugins: [{ name: 'ufbert-tfjs-registrations-entry', resolveId: (id) => (id === ENTRY ? id : null), load: (id) => (id === ENTRY ? entrySource : null) }],
    platform: 'node',
    write: false,
    logLevel: 'warn',
    // tfjs's Apache-2.0 notices stay with its code; no source map, as its sources do not ship.
    output: { format: 'esm', comments: { legal: true, annotation: false, jsdoc: false }, sourcemap: false },
  });
  const code = result.output.filter((chunk) => chunk.type === 'chunk').map((chunk) => chunk.code);
  if (code.length !== 1) throw new Error(`bundle-tfjs-registrations: expected one chunk from rolldown, got ${code.length}`);
  mkdirSync(dirname(outFile), { recursive: true });
  const partial = `${outFile}.${process.pid}.partial`;
  writeFileSync(partial, header + code[0]);
  renameSync(partial, outFile);
  console.log(`bundle-tfjs-registrations: wrote ${outFile} (${(code[0].length / 1024).toFixed(0)} KiB, tfjs-core ${version})`);
}
