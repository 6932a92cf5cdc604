import { describe, expect, it } from 'vitest';
import { tf } from './tf.js';
import { setBackend, activeBackend, describeBackend, webgpuAdapter } from './backend.js';
import { UfbertError } from './errors.js';
import { webgpuTestExpectation } from '@ufbert/test-utils/webgpu-test-expectation';
import { formatAdapter } from './webgpu-adapter.js';

describe('setBackend', () => {
  it('switches between cpu and wasm and computes the same result', async () => {
    const results: number[][] = [];
    for (const name of ['cpu', 'wasm'] as const) {
      expect(await setBackend(name)).toBe(name);
      expect(activeBackend()).toBe(name);
      const t = tf.tensor([1, 2, 3]);
      const s = tf.sum(tf.mul(t, t));
      results.push(Array.from(await s.data()));
      tf.dispose([t, s]);
    }
    expect(results[0]).toEqual(results[1]);
  });

  it('rejects an unknown backend with the list of valid ones', async () => {
    await expect(setBackend('tpu' as never)).rejects.toBeInstanceOf(UfbertError);
    await expect(setBackend('tpu' as never)).rejects.toThrow(/expected one of cpu, wasm, webgpu, auto/);
  });

  const gate = webgpuTestExpectation();
  it.runIf(gate.expected)('auto takes webgpu on a GPU adapter, and wasm over one that emulates a GPU on the CPU, saying why', async () => {
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (message: string) => warnings.push(message);
    let picked: string;
    try {
      picked = await setBackend('auto');
    } finally {
      console.warn = warn;
    }
    const adapter = webgpuAdapter();
    expect(adapter).toBeDefined();
    console.info(`backend auto: ${describeBackend()} (webgpu adapter: ${formatAdapter(adapter!)})`);
    if (adapter!.isCpuAdapter) {
      expect(picked).toBe('wasm');
      expect(warnings.join('\n')).toMatch(/backend auto chose wasm \(webgpu passed over: .* emulates a GPU on the CPU\)/);
    } else {
      expect(picked).toBe('webgpu');
      expect(describeBackend()).toMatch(/^webgpu on /);
    }
  });
});
