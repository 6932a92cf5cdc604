import { describe, expect, it } from 'vitest';
import { readMobyDick } from './moby-dick.js';

describe('readMobyDick', () => {
  const parts = readMobyDick();

  it('reads the 139 parts: contents, etymology, extracts, 135 chapters, epilogue', () => {
    expect(parts).toHaveLength(139);
    expect(parts.slice(0, 4).map((p) => p.id)).toEqual(['contents', 'etymology', 'extracts', 'chapter-1']);
    expect(parts.at(-2)!.id).toBe('chapter-135');
    expect(parts.at(-1)!.id).toBe('epilogue');
    expect(new Set(parts.map((p) => p.id)).size).toBe(139);
  });

  it('holds the known text', () => {
    const chapter1 = parts.find((p) => p.id === 'chapter-1')!;
    expect(chapter1.text.startsWith('Call me Ishmael. Some years ago—never mind how long precisely—having little or no money in my purse')).toBe(true);
    expect(parts.at(-1)!.text).toContain("The drama's done.");
  });
});
