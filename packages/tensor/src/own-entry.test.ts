import { describe, expect, it } from 'vitest';
import { INHERITED_NAMES, hasOwnEntry, ownEntry } from './own-entry.js';

describe('ownEntry', () => {
  const table: Record<string, number> = { mean: 1, cls: 2 };

  it('finds own entries and nothing inherited from Object.prototype', () => {
    expect(ownEntry(table, 'mean')).toBe(1);
    for (const name of INHERITED_NAMES) {
      expect(name in table).toBe(true);
      expect(ownEntry(table, name)).toBeUndefined();
      expect(hasOwnEntry(table, name)).toBe(false);
    }
  });

  it('refuses names that are not strings, and works on null-prototype tables', () => {
    for (const name of [undefined, null, 1, {}, ['mean']]) expect(hasOwnEntry(table, name)).toBe(false);
    const bare = Object.assign(Object.create(null) as Record<string, number>, { none: 0 });
    expect(ownEntry(bare, 'none')).toBe(0);
    expect(ownEntry(bare, 'toString')).toBeUndefined();
  });
});
