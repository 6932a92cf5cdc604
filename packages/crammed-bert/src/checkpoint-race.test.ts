import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setBackend, type SafeTensor } from '@ufbert/tensor';
import { readSafetensorsFile } from '@ufbert/tensor/node';
import { loadModel, MODEL_FILE, saveModel } from './checkpoint.js';
import { CrammedBertModel } from './model.js';
import { tinyConfig } from './test-utils/tiny.js';

const work = mkdtempSync(join(tmpdir(), 'crammed-bert-race-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
beforeAll(async () => {
  await setBackend('cpu');
});

// Replaces `target` atomically (copy to a temporary name, rename over) with file A, then
// B, then A ..., as fast as it can, until killed. Prints "ready" once it has started.
const WRITER = `
const { copyFileSync, renameSync } = require('node:fs');
const [a, b, target] = process.argv.slice(1);
const temp = target + '.writer.tmp';
for (let i = 0; ; i++) {
  copyFileSync(i % 2 ? b : a, temp);
  renameSync(temp, target);
  if (i === 1) console.log('ready');
}
`;

const bytesOf = (t: SafeTensor): Buffer => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);

describe('loading a checkpoint while it is replaced', () => {
  it('gives the old model or the new, never a mix', async () => {
    const config = tinyConfig('fff');
    const dirs = { a: join(work, 'a'), b: join(work, 'b'), target: join(work, 'target') };
    for (const [name, seed] of [['a', 1], ['b', 2], ['target', 1]] as const) {
      const model = CrammedBertModel.create(config, { seed });
      await saveModel(model, dirs[name]);
      model.dispose();
    }
    const stored = { a: (await readSafetensorsFile(join(dirs.a, MODEL_FILE))).tensors, b: (await readSafetensorsFile(join(dirs.b, MODEL_FILE))).tensors };
    // Tensors the two seeds happen to make equal (LayerNorm's ones and zeros) tell nothing apart.
    const telling = [...stored.a.keys()].filter((name) => !bytesOf(stored.a.get(name)!).equals(bytesOf(stored.b.get(name)!)));
    expect(telling.length).toBeGreaterThan(5);

    const writer = spawn(process.execPath, ['-e', WRITER, join(dirs.a, MODEL_FILE), join(dirs.b, MODEL_FILE), join(dirs.target, MODEL_FILE)], { stdio: ['ignore', 'pipe', 'inherit'] });
    const counts = { a: 0, b: 0, mixed: 0 };
    try {
      await new Promise<void>((resolve) => createInterface({ input: writer.stdout! }).once('line', () => resolve()));
      const until = performance.now() + 4000;
      while (performance.now() < until) {
        const model = await loadModel(dirs.target);
        const state = await model.stateDict();
        model.dispose();
        const from = new Set(telling.map((name) => (bytesOf(state.get(name)!).equals(bytesOf(stored.a.get(name)!)) ? 'a' : bytesOf(state.get(name)!).equals(bytesOf(stored.b.get(name)!)) ? 'b' : '?')));
        if (from.size === 1 && !from.has('?')) counts[[...from][0] as 'a' | 'b']++;
        else counts.mixed++;
      }
    } finally {
      writer.kill('SIGKILL');
    }
    console.log(`checkpoint race: ${counts.a + counts.b + counts.mixed} loads, ${counts.a} old, ${counts.b} new, ${counts.mixed} mixed`);
    // Both versions seen: the writer really raced the loads.
    expect(counts.a).toBeGreaterThan(0);
    expect(counts.b).toBeGreaterThan(0);
    expect(counts.mixed).toBe(0);
  }, 180_000);
});
