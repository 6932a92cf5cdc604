import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setBackend } from '@ufbert/tensor';
import { loadModel } from '@ufbert/crammed-bert/node';
import { ensureBuilt } from '@ufbert/test-utils/built-package';
import { tinyModelFolder } from '../test-utils/tiny-model.js';
import { onnxModelBytes } from '../onnx-model-bytes.js';
import { OnnxEncoderSession } from './session.js';
import type { EncodedBatch } from '../encoder-session.js';

// The workers run dist/sequence-parallel-worker.js: Node cannot start a worker from TypeScript source.
const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
type Dist = typeof import('./index.js');
let dist: Dist;
let work: string;
let mlm: Uint8Array;
let mlmRoutes: Uint8Array;
let classifier: Uint8Array;

beforeAll(async () => {
  ensureBuilt(packageRoot);
  dist = (await import(join(packageRoot, 'dist', 'node', 'index.js'))) as Dist;
  await setBackend('cpu');
  work = await mkdtemp(join(tmpdir(), 'ufbert-onnx-sequences-'));
  const mlmModel = await loadModel(await tinyModelFolder(join(work, 'mlm'), null));
  mlm = await onnxModelBytes(mlmModel.eval(), { head: 'selected' });
  mlmRoutes = await onnxModelBytes(mlmModel, { head: 'all', routes: true });
  mlmModel.dispose();
  const clsModel = await loadModel(await tinyModelFolder(join(work, 'cls'), 3));
  classifier = await onnxModelBytes(clsModel.eval(), { head: 'all' });
  clsModel.dispose();
}, 60_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

// Five sequences over two workers (slices of 2 and 3 rows), padding in two of them.
const batch: EncodedBatch = {
  inputIds: [
    [2, 11, 12, 13, 14, 3],
    [2, 21, 22, 3, 0, 0],
    [2, 31, 32, 33, 34, 3],
    [2, 41, 3, 0, 0, 0],
    [2, 51, 52, 53, 54, 3],
  ],
  attentionMask: [
    [1, 1, 1, 1, 1, 1],
    [1, 1, 1, 1, 0, 0],
    [1, 1, 1, 1, 1, 1],
    [1, 1, 1, 0, 0, 0],
    [1, 1, 1, 1, 1, 1],
  ],
};

async function bothRuns(model: Uint8Array, positions?: number[]) {
  const one = await OnnxEncoderSession.create(model, { threads: 1 });
  const parallel = await dist.SequenceParallelSession.create(model, { workers: 2 });
  try {
    return { expected: await one.run(batch, positions), actual: await parallel.run(batch, positions), parallel };
  } finally {
    await one.release();
    await parallel.release();
  }
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  expect(worst).toBeLessThan(1e-5);
}

describe('SequenceParallelSession', () => {
  it('gives what one session gives: hidden states, and logits of positions asked in any order across the slices', async () => {
    // Positions in rows 4, 0, 3 and 1: both slices, out of order; row 2 has none.
    const positions = [4 * 6 + 2, 1, 3 * 6 + 1, 6 + 2, 2];
    const { expected, actual, parallel } = await bothRuns(mlm, positions);
    expect(parallel.parallelism).toBe('sequences');
    expect(parallel.threads).toBe(2);
    expect(actual.hiddenDims).toEqual(expected.hiddenDims);
    expectClose(actual.hiddenStates, expected.hiddenStates);
    expect(actual.logitsDims).toEqual(expected.logitsDims);
    expectClose(actual.logits!, expected.logits!);
  });

  it('decodes positions that all fall in one slice', async () => {
    const { expected, actual } = await bothRuns(mlm, [0, 7]);
    expectClose(actual.logits!, expected.logits!);
  });

  it('joins the routes of every layer in the batch order, and every position`s logits', async () => {
    const { expected, actual } = await bothRuns(mlmRoutes);
    expect(actual.routesDims).toEqual(expected.routesDims);
    expect(Array.from(actual.routes!)).toEqual(Array.from(expected.routes!));
    expect(actual.logitsDims).toEqual(expected.logitsDims);
    expectClose(actual.logits!, expected.logits!);
  });

  it("joins a classifier's logits, and runs a single sequence on one worker", async () => {
    const { expected, actual } = await bothRuns(classifier);
    expect(actual.logitsDims).toEqual([5, 3]);
    expectClose(actual.logits!, expected.logits!);
    const parallel = await dist.SequenceParallelSession.create(classifier, { workers: 3 });
    try {
      const single = await parallel.run({ inputIds: [batch.inputIds[0]], attentionMask: [batch.attentionMask[0]] });
      expectClose(single.logits!, expected.logits!.subarray(0, 3));
    } finally {
      await parallel.release();
    }
  });

  it('refuses bad workers, bad positions and runs after release, with typed errors', async () => {
    await expect(dist.SequenceParallelSession.create(mlm, { workers: 0 })).rejects.toThrow(/workers must be an integer in \[1, 64\], got 0/);
    await expect(dist.SequenceParallelSession.create(mlm, { workers: 65 })).rejects.toThrow(/got 65/);
    await expect(dist.SequenceParallelSession.create(new Uint8Array([1, 2, 3]), { workers: 2 })).rejects.toBeInstanceOf(dist.OnnxRuntimeError);
    const parallel = await dist.SequenceParallelSession.create(mlm, { workers: 2 });
    await expect(parallel.run(batch, [30])).rejects.toThrow(/expected positions in \[0, 30\), got 30/);
    await expect(parallel.run(batch)).rejects.toThrow(/expected the positions to decode/);
    await parallel.release();
    await expect(parallel.run(batch, [0])).rejects.toThrow(/released/);
  });

  it('checks ids, mask values and positions before any worker runs', async () => {
    const parallel = await dist.SequenceParallelSession.create(mlm, { workers: 2 });
    try {
      await expect(parallel.runTensors(BigInt64Array.from([2n, -1n, 3n]), BigInt64Array.from([1n, 1n, 1n]), [1, 3], [1])).rejects.toThrow(
        /non-negative integers, got -1 at flat index 1/,
      );
      await expect(parallel.runTensors(BigInt64Array.from([2n, 4n, 3n]), BigInt64Array.from([1n, 7n, 1n]), [1, 3], [1])).rejects.toThrow(
        /mask values 0 or 1, got 7/,
      );
      await expect(parallel.run(batch, [undefined as unknown as number])).rejects.toThrow(/expected positions in \[0, 30\), got undefined/);
      await expect(parallel.run({ inputIds: [[2, 3]], attentionMask: [undefined as unknown as number[]] }, [0])).rejects.toThrow(
        /row 0 of ids and of the mask as arrays/,
      );
    } finally {
      await parallel.release();
    }
  });

  it('lets a process that never releases it end (idle workers do not hold the event loop), whatever flags started it', () => {
    const script = `
      import { readFileSync } from 'node:fs';
      const { SequenceParallelSession } = await import(${JSON.stringify(join(packageRoot, 'dist', 'node', 'index.js'))});
      const s = await SequenceParallelSession.create(readFileSync(process.argv[1]), { workers: 2 });
      await s.run({ inputIds: [[2, 11, 3], [2, 12, 3]], attentionMask: [[1, 1, 1], [1, 1, 1]] }, [1]);
      console.log('ran');
    `;
    const file = join(work, 'mlm.onnx');
    writeFileSync(file, mlm);
    // An eval-mode flag, and a V8 flag (as the bench adds on Node 20), which Node refuses in a worker's execArgv.
    for (const flags of [['--input-type=module'], ['--max-old-space-size=4096', '--input-type=module']]) {
      const child = spawnSync(process.execPath, [...flags, '-e', script, file], { encoding: 'utf8', timeout: 60_000 });
      expect(child.stdout.trim(), `${flags.join(' ')}: ${child.stderr}`).toBe('ran');
      expect(child.status).toBe(0);
    }
  }, 130_000);

  it('fails the runs of a worker that is gone instead of waiting for it', async () => {
    const parallel = await dist.SequenceParallelSession.create(mlm, { workers: 2 });
    const workers = (parallel as unknown as { workers: Array<{ worker: import('node:worker_threads').Worker }> }).workers;
    // The worker's own way out (release its session, exit), without the session knowing.
    const exited = new Promise((resolve) => workers[1].worker.once('exit', resolve));
    workers[1].worker.postMessage('close');
    await exited;
    await expect(parallel.run(batch, [0])).rejects.toThrow(/an onnxruntime worker exited/);
    await parallel.release();
  });
});
