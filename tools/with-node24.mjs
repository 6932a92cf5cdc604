#!/usr/bin/env node
// node tools/with-node24.mjs CMD ARGS...: runs CMD with the Node 24 that tools/setup-node24.sh
// installed first on PATH, so every `node` the command starts (pnpm, turbo's tasks, vitest)
// is Node 24. Exits with the command's status; 1 when Node 24 is missing.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, '.cache', 'node24', 'node_modules', 'node', 'bin');
const node = join(bin, 'node');
if (!existsSync(node)) {
  console.error(`with-node24: ${node} is missing; 'pnpm install' runs tools/setup-node24.sh, which installs it`);
  process.exit(1);
}
const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('usage: node tools/with-node24.mjs CMD [ARGS...]');
  process.exit(2);
}
const env = { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ''}` };
const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
console.log(`with-node24: running '${[command, ...args].join(' ')}' on Node ${version}`);
const result = spawnSync(command, args, { stdio: 'inherit', env });
if (result.error) {
  console.error(`with-node24: cannot run ${command}: ${result.error.message}`);
  process.exit(1);
}
process.exit(result.status ?? 1);
