import { describe, expect, it } from 'vitest';
import { excerpt } from './excerpt.js';

describe('excerpt', () => {
  it('keeps short text and cuts long text to its start and length', () => {
    expect(excerpt('a short input')).toBe('a short input');
    expect(excerpt('x'.repeat(100_000))).toBe(`${'x'.repeat(60)}… (100000 characters)`);
    expect(excerpt('abcdef', 3)).toBe('abc… (6 characters)');
  });
});
