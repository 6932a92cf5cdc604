import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { progressDisplay } from './progress-bar.js';

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
    display.update({ progress: 0.5, step: 10, loss: 3.14159, tokensPerSecond: 12345.6 });
    display.stop();
    display.stop();
    const text = terminal.output();
    expect(text).toContain('50%');
    expect(text).toContain('ETA');
    expect(text).toContain('12,346 tok/s');
    expect(text).toContain('loss 3.1416');
    expect(text).toContain('step 10');
  });

  it('stays silent when quiet or not a terminal', () => {
    for (const [enabled, isTTY] of [
      [false, true],
      [true, false],
    ]) {
      const terminal = fakeTerminal(isTTY);
      const display = progressDisplay(enabled, terminal.stream);
      display.update({ progress: 0.5, step: 1, loss: 1, tokensPerSecond: 1 });
      display.stop();
      expect(terminal.output()).toBe('');
    }
  });
});
