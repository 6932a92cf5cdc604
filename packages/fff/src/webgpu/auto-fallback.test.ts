import { execFile } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { gelu } from '@ufbert/tensor';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

// Runs the built package in a process where Dawn can find no adapter (no Vulkan driver,
// no EGL platform): `auto` must fall back to a CPU backend, say why once, and compute.
const SCRIPT = `
import { setBackend, tf } from '@ufbert/tensor';
import { fastFeedforward } from '@ufbert/fff';
const first = await setBackend('auto');
const second = await setBackend('auto');
const y = fastFeedforward(tf.ones([2, 3]), tf.ones([3, 3]), tf.zeros([3]), tf.ones([2, 3]), 1, 1);
console.log(JSON.stringify({ first, second, y: Array.from(await y.data()) }));
`;

it('auto falls back to a CPU backend without an adapter, says so once, and runs the FFF', async () => {
  const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', SCRIPT], {
    cwd: packageDir,
    env: { ...process.env, VK_ICD_FILENAMES: '/nonexistent/vk_icd.json', EGL_PLATFORM: 'no-such-platform' },
  });
  const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as { first: string; second: string; y: number[] };
  expect(result.first).toBe('wasm');
  expect(result.second).toBe('wasm');
  const notices = stderr.split('\n').filter((line) => line.includes('backend auto chose'));
  expect(notices).toHaveLength(1);
  expect(notices[0]).toMatch(/backend auto chose wasm \(webgpu unavailable: webgpu: Dawn found no adapter/);
  // every logit is 3 > 0: the path is root, right child; y = 2 GELU(3) per output
  for (const v of result.y) expect(v).toBeCloseTo(2 * gelu(3), 5);
}, 60_000);
