import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { formatDuration, progressDisplay } from './progress-bar.js';

/** A stream that claims to be a terminal and records what is written. */
function fakeTerminal(isTTY: boolean): { stream: NodeJS.WriteStream; output: () => string } {
  let written = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      written += chunk.toString();
      done();
    },
  }) as unknown as NodeJS.WriteStream;
  Object.assign(stream, { isTTY, columns: 200, cursorTo: () => true, clearLine: () => true, moveCursor: () => true, clearScreenDown: () => true });
  return { stream, output: () => written };
}

describe('progressDisplay', () => {
  it('shows percentage, ETA, tokens/s and loss on a terminal', () => {
    const terminal = fakeTerminal(true);
    const display = progressDisplay(true, terminal.stream);
    display.update({ progress: 0.5, step: 10, loss: Math.PI, tokensPerSecond: 12345.6 });
    display.stop();
    display.stop();
    const text = terminal.output();
    expect(text).toContain('50%');
    expect(text).toContain('ETA');
    expect(text).toContain('12,346 tok/s');
    expect(text).toContain('loss 3.1416');
    expect(text).toContain('step 10');
  });

  it('stays silent when quiet, on a terminal or not', () => {
    for (const isTTY of [true, false]) {
      const terminal = fakeTerminal(isTTY);
      const display = progressDisplay(false, terminal.stream);
      display.update({ progress: 0.5, step: 1, loss: 1, tokensPerSecond: 1 });
      display.stop();
      expect(terminal.output()).toBe('');
    }
  });

  it('writes one line every interval with step, loss, tokens/s and ETA when not a terminal', () => {
    const terminal = fakeTerminal(false);
    let clock = 0;
    const display = progressDisplay(true, terminal.stream, { lineIntervalSeconds: 5, now: () => clock });
    // A resumed run: a fifth of the budget was spent before this session, then 1% per second.
    for (let second = 0; second <= 12; second++) {
      clock = 1000 * second;
      display.update({ progress: 0.2 + 0.01 * second, step: 100 + second, loss: 4 - 0.01 * second, tokensPerSecond: 1234.4 });
    }
    display.stop();
    expect(terminal.output().split('\n')).toEqual([
      'pretraining: step 105 | loss 3.9500 | 1,234 tok/s | 25% | ETA 1m15s',
      'pretraining: step 110 | loss 3.9000 | 1,234 tok/s | 30% | ETA 1m10s',
      '',
    ]);
  });
});

describe('formatDuration', () => {
  it('writes seconds, minutes and hours', () => {
    expect([formatDuration(42.4), formatDuration(185), formatDuration(3720), formatDuration(-1)]).toEqual(['42s', '3m05s', '1h02m', '0s']);
  });
});
