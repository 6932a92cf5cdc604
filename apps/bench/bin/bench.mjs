#!/usr/bin/env node
// Starts the bench (dist/main.js). Where the engine has relaxed SIMD only behind V8's flag
// (Node 20), it starts it again with the flag, so the @ufbert/cmm kernels can run their
// relaxed-SIMD build as users of Node 22+ and Chromium get by default; Node 22+ refuses
// the flag, and needs none. `--wasm-build simd` still picks the SIMD build.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { wasmRelaxedSimdSupported } from '@ufbert/cmm';

const FLAG = '--experimental-wasm-relaxed-simd';
const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const acceptsFlag = () => spawnSync(process.execPath, [FLAG, '-e', ''], { stdio: 'ignore' }).status === 0;

if (wasmRelaxedSimdSupported() || !acceptsFlag()) {
  await import(main);
} else {
  const child = spawnSync(process.execPath, [...process.execArgv, FLAG, main, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exitCode = child.status ?? 1;
}
