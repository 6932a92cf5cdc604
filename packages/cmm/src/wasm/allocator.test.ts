import { describe, expect, it } from 'vitest';
import { Allocator } from './allocator.js';

describe('wasm allocator', () => {
  it('aligns blocks, reuses freed space and coalesces neighbours', () => {
    let end = 1024;
    const heap = new Allocator(0, end, (bytes) => (end += Math.ceil(bytes / 256) * 256));
    const a = heap.alloc(10);
    const b = heap.alloc(100);
    const c = heap.alloc(64);
    expect([a, b, c]).toEqual([0, 64, 192]);
    heap.dealloc(b);
    expect(heap.alloc(128)).toBe(64);
    heap.dealloc(64);
    heap.dealloc(a);
    heap.dealloc(c);
    expect(heap.allocatedBytes).toBe(0);
    // everything coalesced back into one block
    expect(heap.alloc(1024)).toBe(0);
  });

  it('grows at the end, merging with free space there', () => {
    let end = 256;
    const grown: number[] = [];
    const heap = new Allocator(0, end, (bytes) => {
      grown.push(bytes);
      return (end += bytes);
    });
    heap.alloc(128);
    expect(heap.alloc(256)).toBe(128);
    expect(grown).toEqual([128]);
    expect(() => heap.dealloc(5)).toThrow(/not an allocated block/);
  });
});
