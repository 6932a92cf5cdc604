import { describe, expect, it } from 'vitest';
import { Rng } from './rng.js';

describe('Rng', () => {
  it('is reproducible for a seed and differs across seeds', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const seqA = Array.from({ length: 8 }, () => a.nextUint32());
    expect(Array.from({ length: 8 }, () => b.nextUint32())).toEqual(seqA);
    expect(Array.from({ length: 8 }, () => c.nextUint32())).not.toEqual(seqA);
  });

  it('pins its first outputs, so a change of algorithm is seen', () => {
    const r = new Rng(1);
    const first = [r.nextUint32(), r.nextUint32(), r.nextUint32()];
    expect(first).toMatchSnapshot();
  });

  it('draws normals with mean 0 and std 1, and uniforms in range', () => {
    const r = new Rng(3);
    const n = r.fillNormal(new Float32Array(200_000));
    const mean = n.reduce((a, v) => a + v, 0) / n.length;
    const std = Math.sqrt(n.reduce((a, v) => a + (v - mean) ** 2, 0) / n.length);
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(Math.abs(std - 1)).toBeLessThan(0.01);
    const u = r.fillUniform(new Float32Array(100_000), -2, 3);
    expect(Math.min(...u)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...u)).toBeLessThan(3);
  });

  it('resumes exactly from a saved state, mid Box-Muller pair', () => {
    const r = new Rng(9);
    r.normal();
    const state = JSON.parse(JSON.stringify(r.getState()));
    const expected = [r.normal(), r.next(), r.int(10)];
    const resumed = Rng.fromState(state);
    expect([resumed.normal(), resumed.next(), resumed.int(10)]).toEqual(expected);
  });

  it('rejects bad seeds and states', () => {
    expect(() => new Rng(1.5)).toThrow(/safe integer/);
    expect(() => new Rng(0).setState({ s: [1, 2, 3], spareNormal: null } as never)).toThrow(/four unsigned/);
  });
});
