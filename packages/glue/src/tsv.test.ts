import { describe, expect, it } from 'vitest';
import { GlueError } from './errors.js';
import { formatTsvRow, tsvLines } from './index.js';
import { tsvLinesFromChunks } from './tsv.js';

async function collect(chunks: string[]): Promise<string[]> {
  async function* stream(): AsyncGenerator<string> {
    yield* chunks;
  }
  const lines: string[] = [];
  for await (const line of tsvLinesFromChunks(stream())) lines.push(line);
  return lines;
}

describe('tsvLines', () => {
  it('splits on \\n only, dropping a \\r before it, a leading byte-order mark and nothing after a final newline', () => {
    expect([...tsvLines('\uFEFFa\tb\r\nc\t"d\n\ne\n')]).toEqual(['a\tb', 'c\t"d', '', 'e']);
    expect([...tsvLines('no newline')]).toEqual(['no newline']);
    expect([...tsvLines('')]).toEqual([]);
  });

  it('keeps a lone \\r inside a line', () => {
    expect([...tsvLines('a\rb\n')]).toEqual(['a\rb']);
  });
});

describe('tsvLinesFromChunks', () => {
  it('gives the same lines however the text is cut into chunks', async () => {
    const text = '\uFEFFhead\tx\r\nrow one\t"1\nrow two\t2\r\nlast';
    const expected = [...tsvLines(text)];
    for (let cut = 0; cut <= text.length; cut++) {
      expect(await collect(['', text.slice(0, cut), text.slice(cut)])).toEqual(expected);
    }
    expect(await collect(['a\r', '\nb\n'])).toEqual(['a', 'b']);
  });
});

describe('formatTsvRow', () => {
  it('joins fields with tabs and refuses fields that would break the row', () => {
    expect(formatTsvRow(['say "hi"', '1'])).toBe('say "hi"\t1');
    expect(() => formatTsvRow(['a\tb'])).toThrow(GlueError);
    expect(() => formatTsvRow(['a\nb'])).toThrow('expected TSV fields without tabs or line breaks, got "a\\nb"');
  });
});

describe('tsvLinesFromChunks on long lines', () => {
  it('takes linear time: a 32 MB line in 64 KB chunks reads in well under the seconds a quadratic reader needs', async () => {
    const chunk = 'x'.repeat(1 << 16);
    const count = 512;
    async function* stream(): AsyncGenerator<string> {
      for (let i = 0; i < count; i++) yield chunk;
      yield '\r\nlast';
    }
    const started = performance.now();
    const lines: string[] = [];
    for await (const line of tsvLinesFromChunks(stream())) lines.push(line);
    const seconds = (performance.now() - started) / 1000;
    expect(lines.map((l) => l.length)).toEqual([count << 16, 4]);
    expect(seconds).toBeLessThan(5);
  });

  it('keeps a \\r\\n split across chunks, and a byte-order mark only at the very start', async () => {
    expect(await collect(['', '\uFEFFa\r', '\nb\uFEFF', 'c'])).toEqual(['a', 'b\uFEFFc']);
  });
});
