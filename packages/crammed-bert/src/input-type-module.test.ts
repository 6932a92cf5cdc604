import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// A model on the wasm backend, whose FFF kernels start @ufbert/cmm's worker threads, run
// from `node --input-type=module -e`: workers that inherited that flag used to die on
// CommonJS source and take the process down after the output was printed.
const SCRIPT = `
import { setBackend, tf } from '@ufbert/tensor';
import { CrammedBertModel, createConfig } from '@ufbert/crammed-bert';
await setBackend('wasm');
const config = createConfig({ num_transformer_layers: 1, hidden_size: 32, intermed_type: 'fff', intermed_size: 1, intermed_depth: 4, embedding: { vocab_size: 50, max_seq_length: 32 }, attention: { num_attention_heads: 2 } });
const model = CrammedBertModel.create(config, { seed: 1 });
const ids = tf.tensor2d(Array.from({ length: 4 }, (_, b) => Array.from({ length: 32 }, (_, s) => (b * 7 + s) % 50)), undefined, 'int32');
const logits = model.mlmLogits(ids);
console.log(JSON.stringify({ shape: logits.shape, finite: (await logits.data()).every(Number.isFinite) }));
`;

describe.skipIf(!existsSync(join(root, 'dist', 'index.js')))('a model under node --input-type=module -e (built dist)', () => {
  it('runs on the wasm backend and exits 0 with nothing on stderr', () => {
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', SCRIPT], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    expect(child.stderr.replace(/=+\nHi, looks like you are running TensorFlow\.js in Node\.js[\s\S]*?=+\n/, '')).toBe('');
    expect(child.status).toBe(0);
    expect(JSON.parse(child.stdout.trim().split('\n').at(-1)!)).toEqual({ shape: [128, 50], finite: true });
  }, 180_000);
});
