// tfjs-core registers no gradients itself; its dist/register_all_gradients.js does, but as
// ES modules with extensionless relative imports, which bundlers resolve and Node does not.
// For Node this bundles that one file (and the tfjs-core internals it reaches) into
// dist/tfjs-gradients.node.js, which src/tf.ts loads through the "#tfjs-gradients" import
// of package.json; bundlers take the original instead. The bundled internals register into
// tfjs-core's global engine and gradient registry, the same ones the user's tfjs-core uses.
// Skips the bundle when tfjs-core's version and this script have not changed.
import { build } from 'rolldown';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outFile = join(root, 'dist', 'tfjs-gradients.node.js');
const require = createRequire(join(root, 'package.json'));
const tfjsCoreDir = dirname(require.resolve('@tensorflow/tfjs-core/package.json'));
const { version } = JSON.parse(readFileSync(join(tfjsCoreDir, 'package.json'), 'utf8'));

const stamp = createHash('sha256').update(version).update(readFileSync(fileURLToPath(import.meta.url))).digest('hex').slice(0, 16);
const header = `// Gradients of @tensorflow/tfjs-core ${version} (Apache-2.0), bundled for Node by scripts/bundle-gradients.mjs (${stamp}).\n`;

if (existsSync(outFile) && readFileSync(outFile, 'utf8').startsWith(header)) {
  console.log(`bundle-gradients: up to date (tfjs-core ${version})`);
} else {
  const result = await build({
    input: join(tfjsCoreDir, 'dist', 'register_all_gradients.js'),
    platform: 'node',
    write: false,
    logLevel: 'warn',
    // tfjs's Apache-2.0 notices stay with its code; no source map, as its sources do not ship.
    output: { format: 'esm', comments: { legal: true, annotation: false, jsdoc: false }, sourcemap: false },
  });
  const code = result.output.filter((chunk) => chunk.type === 'chunk').map((chunk) => chunk.code);
  if (code.length !== 1) throw new Error(`bundle-gradients: expected one chunk from rolldown, got ${code.length}`);
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, header + code[0]);
  console.log(`bundle-gradients: wrote ${outFile} (${(code[0].length / 1024).toFixed(0)} KiB, tfjs-core ${version})`);
}
