import { UfbertError } from '@ufbert/tensor';

/** Every block starts on a cache line: f32x4 loads want 16 bytes, rows read in parallel want separate lines. */
export const ALIGNMENT = 64;

const align = (bytes: number): number => Math.ceil(bytes / ALIGNMENT) * ALIGNMENT;

/**
 * First-fit allocator over [base, end) of a WebAssembly memory, with coalescing of
 * freed neighbours. `grow(bytes)` is asked for more room when nothing fits and
 * returns the new end.
 */
export class Allocator {
  /** free blocks, sorted by address, never adjacent */
  private free: Array<{ at: number; size: number }> = [];
  private readonly sizes = new Map<number, number>();
  private end: number;

  constructor(
    base: number,
    end: number,
    private readonly grow: (bytes: number) => number,
  ) {
    this.end = end;
    if (end > base) this.free.push({ at: base, size: end - base });
  }

  alloc(bytes: number): number {
    const size = align(Math.max(1, bytes));
    let index = this.free.findIndex((b) => b.size >= size);
    if (index < 0) {
      const last = this.free[this.free.length - 1];
      const tail = last && last.at + last.size === this.end ? last.size : 0;
      const oldEnd = this.end;
      this.end = this.grow(size - tail);
      this.release(oldEnd, this.end - oldEnd);
      index = this.free.findIndex((b) => b.size >= size);
    }
    const block = this.free[index];
    const at = block.at;
    if (block.size === size) this.free.splice(index, 1);
    else {
      block.at += size;
      block.size -= size;
    }
    this.sizes.set(at, size);
    return at;
  }

  dealloc(at: number): void {
    const size = this.sizes.get(at);
    if (size === undefined) throw new UfbertError(`wasm allocator: ${at} is not an allocated block`);
    this.sizes.delete(at);
    this.release(at, size);
  }

  /** Bytes handed out and not yet freed. */
  get allocatedBytes(): number {
    let total = 0;
    for (const size of this.sizes.values()) total += size;
    return total;
  }

  private release(at: number, size: number): void {
    if (size === 0) return;
    let i = 0;
    while (i < this.free.length && this.free[i].at < at) i++;
    this.free.splice(i, 0, { at, size });
    const next = this.free[i + 1];
    if (next && at + size === next.at) {
      this.free[i].size += next.size;
      this.free.splice(i + 1, 1);
    }
    const prev = this.free[i - 1];
    if (prev && prev.at + prev.size === at) {
      prev.size += this.free[i].size;
      this.free.splice(i, 1);
    }
  }
}
