import { describe, expect, it, beforeAll } from 'vitest';
import { setBackend } from '@ufbert/tensor';
import { runModelParity, PARITY_CASES } from './parity.js';
import { FIXTURES } from '../../../../fixtures/index.js';

const TOLERANCE = 1e-4;

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`reference parity [${backend}]`, () => {
    beforeAll(async () => {
      await setBackend(backend);
    });

    it('matches hidden_states and logits of every fixture model within 1e-4', async () => {
      const results: Record<string, number> = {};
      await runModelParity(FIXTURES, { report: (caseName, tensorName, relErr) => (results[`${caseName} ${tensorName}`] = relErr) });
      console.info(
        `parity [${backend}]: ${Object.entries(results)
          .map(([k, v]) => `${k} ${v.toExponential(2)}`)
          .join('; ')}`,
      );
      const expected = PARITY_CASES.flatMap((c) => (c.endsWith('mlm') ? [`${c} hidden_states`, `${c} logits`] : [`${c} logits`]));
      expect(Object.keys(results).sort()).toEqual(expected.sort());
      for (const [key, relErr] of Object.entries(results)) expect(relErr, key).toBeLessThan(TOLERANCE);
    });
  });
}
