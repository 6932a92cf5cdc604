import { describe, expect, it } from 'vitest';
import { operatorTimes } from './ort-profile.js';

const event = (cat: string, name: string, ts: number, dur: number, op?: string) =>
  JSON.stringify({ cat, pid: 1, tid: 1, dur, ts, ph: 'X', name, ...(op ? { args: { op_name: op } } : {}) });

describe('operatorTimes', () => {
  it('sums kernel time per operator type over the last model_run, ignoring other console lines and earlier runs', () => {
    const lines = [
      'some other console line',
      event('Session', 'model_run', 0, 100),
      event('Node', 'a_kernel_time', 10, 50, 'MatMul'),
      `${event('Session', 'model_run', 200, 100)},`,
      event('Node', 'b_kernel_time', 210, 30, 'MatMul'),
      `${event('Node', 'c_kernel_time', 250, 20, 'Gather')},\n${event('Node', 'd_kernel_time', 260, 5, 'MatMul')}`,
      event('Node', 'b_fence_before', 212, 1, 'MatMul'),
    ];
    expect(operatorTimes(lines)).toEqual(
      new Map([
        ['MatMul', 35],
        ['Gather', 20],
      ]),
    );
  });
});
