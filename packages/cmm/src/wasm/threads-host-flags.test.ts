import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '@ufbert/test-utils/built-package';
import { wasmSimdSupported } from './wasm-instance.js';
import { nodeWorkerThreads } from './worker-host.js';

const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

// A threaded conditional kernel call in a fresh Node process started with `flags`,
// importing the built package as a user would. Prints the threads used and a checksum.
const SCRIPT = `
import { conditionalMatmulWasmFused, nodesPerTree, startThreadPool } from '@ufbert/cmm';
const options = { threads: 2, calibrate: false, minConditionalBatch: 1 };
const shape = { trees: 2, depth: 5, inputSize: 16, outputSize: 8 };
const n = shape.trees * nodesPerTree(shape.depth);
const fill = (size, k) => Float32Array.from({ length: size }, (_, i) => Math.sin(i * k));
const weights = {
  wIn: { values: fill(n * 16, 0.37), shape: [n, 16] },
  bIn: { values: fill(n, 0.11), shape: [n] },
  wOut: { values: fill(8 * n, 0.23), shape: [8, n] },
};
const threads = startThreadPool(options);
const prepared = conditionalMatmulWasmFused.prepare(weights, shape, options);
const { y } = conditionalMatmulWasmFused.run(prepared, fill(64 * 16, 0.5), 64);
console.log(JSON.stringify({ threads, sum: y.reduce((a, b) => a + b, 0) }));
`;

function runWith(flags: string[]): { status: number | null; stderr: string; result?: { threads: number; sum: number } } {
  const child = spawnSync(process.execPath, [...flags, '--input-type=module', '-e', SCRIPT], { cwd: PACKAGE_ROOT, encoding: 'utf8', timeout: 120_000 });
  const line = child.stdout.trim().split('\n').at(-1);
  return { status: child.status, stderr: child.stderr, result: line ? JSON.parse(line) : undefined };
}

describe.skipIf(!wasmSimdSupported() || !nodeWorkerThreads())('thread pool under the host process flags', () => {
  beforeAll(() => ensureBuilt(PACKAGE_ROOT), 120_000);

  it('starts its workers under node --input-type=module -e (they do not inherit the eval mode)', () => {
    const run = runWith([]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.result?.threads).toBe(2);
    expect(Number.isFinite(run.result?.sum)).toBe(true);
  }, 120_000);

  it('runs single-threaded, with the same result, where workers cannot start', () => {
    const threaded = runWith([]);
    // The permission model without --allow-worker makes new Worker() throw (its flag lost
    // the experimental prefix in Node 22.13).
    const permission = process.allowedNodeEnvironmentFlags.has('--permission') ? '--permission' : '--experimental-permission';
    const denied = runWith([permission, '--allow-fs-read=*', '--no-warnings']);
    expect(denied.stderr).toBe('');
    expect(denied.status).toBe(0);
    expect(denied.result?.threads).toBe(1);
    expect(denied.result?.sum).toBe(threaded.result?.sum);
  }, 240_000);
});
