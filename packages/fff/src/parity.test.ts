import { expect, it } from 'vitest';
import { runFFFParity } from './parity.js';
import { describeEachBackend } from './test-utils/backends.js';
import { FIXTURES } from '../../../fixtures/index.js';

describeEachBackend('reference fixtures (fff.safetensors)', () => {
  it('y and every gradient of every case are within 1e-4 of the reference', async () => {
    const rows: Array<[string, string, number]> = [];
    await runFFFParity(FIXTURES, { report: (c, t, e) => rows.push([c, t, e]) });
    expect(rows.length).toBe(15);
    for (const [c, t, e] of rows) expect(e, `${c} ${t}`).toBeLessThan(1e-4);
  });
});
