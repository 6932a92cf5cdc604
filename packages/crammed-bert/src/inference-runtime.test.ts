import { afterAll, expect, it } from 'vitest';
import { activeBackend, setBackend } from '@ufbert/tensor';
import { CrammedBertModel } from './model.js';
import { TfjsRuntime } from './inference-runtime.js';
import { presetConfig } from './presets.js';

const config = presetConfig('UltraFastBERT-tiny-1x7', { embedding: { vocab_size: 50 } });
const batch = { inputIds: [[2, 10, 11, 3]], attentionMask: [[1, 1, 1, 1]] };

afterAll(() => setBackend('cpu'));

it('runs a model bound to a device on that device whatever is active, and an unbound one on the active device', async () => {
  await setBackend('cpu');
  const onWasm = new TfjsRuntime(CrammedBertModel.create(config, { seed: 3 }), { device: 'wasm' });
  const onActive = new TfjsRuntime(CrammedBertModel.create(config, { seed: 3 }));
  expect([onWasm.device, onActive.device]).toEqual(['wasm', undefined]);
  const wasm = await onWasm.hiddenStates(batch);
  expect(activeBackend()).toBe('wasm');
  await setBackend('cpu');
  const cpu = await onActive.hiddenStates(batch);
  expect(activeBackend()).toBe('cpu');
  expect(wasm.length).toBe(cpu.length);
  wasm.forEach((v, i) => expect(v).toBeCloseTo(cpu[i], 4));
  onWasm.dispose();
  onActive.dispose();
});
