import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '@ufbert/tensor';
import type { CrammedBertConfig } from '../config.js';
import { CrammedBertModel } from '../model.js';
import { tinyConfig } from '../test-utils/tiny.js';
import { ensureBuilt } from '@ufbert/test-utils/built-package';
import { loadModel } from './load-model.js';

const work = mkdtempSync(join(tmpdir(), 'crammed-bert-concurrency-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
beforeAll(async () => {
  await setBackend('cpu');
});

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

// The saver, in a process of its own (the built package, as a user runs it): saves the two
// models into the folder in turn, as fast as it can, until killed; says "ready" after two saves.
const SAVER = `
import { CrammedBertModel } from '@ufbert/crammed-bert';
import { saveModel } from '@ufbert/crammed-bert/node';
import { setBackend } from '@ufbert/tensor';
await setBackend('cpu');
const [dir, configs] = [process.argv[1], JSON.parse(process.argv[2])];
const models = configs.map((config, i) => CrammedBertModel.create(config, { seed: i + 1 }));
for (let i = 0; ; i++) {
  await saveModel(models[i % 2], dir);
  if (i === 1) console.log('ready');
}
`;

/** What a model is: its config and every weight, as one digest. */
async function fingerprint(model: CrammedBertModel): Promise<string> {
  const hash = createHash('sha256').update(JSON.stringify(model.config));
  for (const [name, tensor] of await model.stateDict()) hash.update(name).update(tensor.data as Float32Array);
  return hash.digest('hex');
}

describe('a saver and a loader on one model folder', () => {
  it('every load is exactly one of the saved models (by a fingerprint of config and weights), never a mix', async () => {
    // Two models of the same shapes whose configs differ only where a mix would load silently.
    const configs: CrammedBertConfig[] = [tinyConfig('fff'), { ...tinyConfig('fff'), norm_eps: 1e-6 }];
    const models = configs.map((config, i) => CrammedBertModel.create(config, { seed: i + 1 }));
    const saved = new Set(await Promise.all(models.map(fingerprint)));
    expect(saved.size).toBe(2);
    const dir = join(work, 'model');
    ensureBuilt(packageRoot);
    const saver = spawn(process.execPath, ['--input-type=module', '-e', SAVER, dir, JSON.stringify(configs)], {
      cwd: packageRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const seen: Record<string, number> = {};
    let loads = 0;
    try {
      await new Promise<void>((resolve, reject) => {
        createInterface({ input: saver.stdout! }).once('line', () => resolve());
        saver.once('exit', (code) => reject(new Error(`the saver exited (${code}) before it was ready`)));
      });
      const until = performance.now() + 4000;
      for (; performance.now() < until; loads++) {
        const model = await loadModel(dir);
        const print = await fingerprint(model);
        model.dispose();
        seen[print] = (seen[print] ?? 0) + 1;
      }
    } finally {
      saver.kill('SIGKILL');
      models.forEach((model) => model.dispose());
    }
    console.log(`model folder concurrency: ${loads} loads while another process saved, ${Object.values(seen).join(' + ')} by model`);
    // Only saved models were loaded, and both of them: the saver really raced the loads.
    expect(Object.keys(seen).filter((print) => !saved.has(print))).toEqual([]);
    expect(Object.keys(seen).sort()).toEqual([...saved].sort());
  }, 60_000);
});
